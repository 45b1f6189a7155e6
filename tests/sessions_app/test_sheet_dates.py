"""The АКЖ sheet is dated by the retake (Assessment.retake_date), the main sheet by the exam: on
the sheet page, its print and its Excel file. An АКЖ sheet with no retake date shows none, never
the main exam's day."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from openpyxl import load_workbook

from academics import roles
from portal.dates import long_date
from sessions_app import services
from sessions_app.choices import Attempt
from tests import factories

pytestmark = pytest.mark.django_db

EXAM = datetime.date(2024, 6, 3)
RETAKE = datetime.date(2024, 6, 24)


@pytest.fixture
def dean_and_assessment():
    faculty = factories.faculty()
    group = factories.group(program=factories.program(faculty=faculty))
    factories.student(group=group, full_name="Үсөнова Айгерим")
    assessment = factories.assessment(group=group, date=EXAM, retake_date=RETAKE)
    services.ensure_admissions(assessment.session, group)
    client = Client()
    client.force_login(factories.user(role=roles.DEAN_OFFICE, faculty=faculty))
    client.cookies["portal_language"] = "ky"
    return client, assessment


def shown(day, name="sheet"):
    """The day as the page writes it: short on the sheet, long on its print (portal.dates)."""
    with translation.override("ky"):
        return long_date(day) if name == "sheet_print" else date_format(day, "SHORT_DATE_FORMAT")


def page(client, name, assessment, attempt):
    response = client.get(reverse(f"sessions:{name}", args=[assessment.pk, attempt]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", ["sheet", "sheet_print"])
def test_the_main_sheet_shows_the_exam_day_and_the_akzh_sheet_the_retake_day(
    dean_and_assessment, name
):
    client, assessment = dean_and_assessment
    main = page(client, name, assessment, Attempt.MAIN)
    assert shown(EXAM, name) in main and shown(RETAKE, name) not in main
    retake = page(client, name, assessment, Attempt.RETAKE)
    assert shown(RETAKE, name) in retake and shown(EXAM, name) not in retake


def test_an_akzh_sheet_without_a_retake_day_does_not_borrow_the_exam_day(dean_and_assessment):
    client, assessment = dean_and_assessment
    assessment.retake_date = None
    assessment.save()
    assert shown(EXAM) not in page(client, "sheet", assessment, Attempt.RETAKE)
    assert shown(EXAM, "sheet_print") not in page(client, "sheet_print", assessment, Attempt.RETAKE)


def test_the_akzh_sheets_excel_file_carries_the_retake_day(dean_and_assessment):
    client, assessment = dean_and_assessment
    response = client.get(reverse("sessions:sheet_download", args=[assessment.pk, Attempt.RETAKE]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    texts = {str(cell.value) for row in ws.iter_rows() for cell in row if cell.value}
    assert shown(RETAKE) in texts and shown(EXAM) not in texts


def test_the_admin_edits_the_retake_day_beside_the_exam_day(admin_client, dean_and_assessment):
    _client, assessment = dean_and_assessment
    url = reverse("admin:sessions_app_assessment_change", args=[assessment.pk])
    form = admin_client.get(url).content.decode()
    assert 'name="date"' in form and 'name="retake_date"' in form
