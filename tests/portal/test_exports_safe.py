"""Every Excel and CSV export writes a text that a spreadsheet would run as a formula as inert
text (a leading apostrophe), and numbers as numbers: downloaded through the real URLs."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from academics.models import TeachingLoad
from academics.resources import StudentResource, TeachingLoadResource
from accreditation.models import Agency, Seminar
from portal.safe_cells import safe_cell
from sessions_app import services
from sessions_app.choices import Attempt
from tests import factories
from tests.academics.test_import import export

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil","x")', "-2+3", "@SUM(A1)", "\t=1+1", "+cmd", "\r=2"]


def inert(value):
    return isinstance(value, str) and value.startswith("'") and value[1:] in HOSTILE


@pytest.fixture
def client(admin_client):
    admin_client.cookies["portal_language"] = "en"
    return admin_client


@pytest.fixture
def world():
    """A faculty named like a formula, whose group's students, named like formulas, all failed
    one exam (so they owe it)."""
    session = factories.exam_session(academic_year=factories.academic_year(2023), term=2)
    faculty = factories.faculty(name=HOSTILE[0])
    group = factories.group(program=factories.program(faculty=faculty), name="@G-1")
    students = [factories.student(group=group, full_name=name) for name in HOSTILE]
    exam = factories.assessment(
        session=session, group=group, discipline=factories.discipline(name="=1+1")
    )
    services.ensure_admissions(session, group)
    sheet = services.open_sheet(exam, Attempt.MAIN)
    services.record_grades(sheet, {s.pk: "2" for s in students}, None, version=sheet.version)
    return {"session": session, "faculty": faculty, "group": group, "students": students}


def cells(content):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def no_formula_runs(values):
    """No text cell starts with what a spreadsheet runs; returns the texts that carry a
    hostile value."""
    for value in values:
        if isinstance(value, str):
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    return [v for v in values if isinstance(v, str) and v.lstrip("'") in HOSTILE]


def test_safe_cell_keeps_numbers_and_dates():
    assert safe_cell(-3) == -3 and safe_cell(-2.5) == -2.5 and safe_cell(Decimal("-1.5")) < 0
    assert safe_cell(datetime.date(2024, 1, 2)) == datetime.date(2024, 1, 2)
    assert [safe_cell(text) for text in HOSTILE] == ["'" + text for text in HOSTILE]


def test_the_session_report_workbook(client, world):
    response = client.get(reverse("reports:session_report_xlsx"))
    assert response.status_code == 200
    values = cells(response.content)
    assert any(inert(v) for v in no_formula_runs(values))
    assert any(isinstance(v, int) and not isinstance(v, bool) for v in values)


def test_the_dashboard_drill_down_exports(client, world):
    group_url = reverse("reports:dashboard_group", args=[world["group"].pk])
    response = client.get(group_url, {"_export": "xlsx", "_table": "owing"})
    assert response.status_code == 200
    values = cells(response.content)
    found = no_formula_runs(values)
    assert sorted(v[1:] for v in found if inert(v)) == sorted(HOSTILE)
    assert 1 in values  # the subjects owed: a number
    faculty_url = reverse("reports:dashboard_faculty", args=[world["faculty"].pk])
    response = client.get(faculty_url, {"_export": "xlsx", "_table": "groups"})
    assert response.status_code == 200
    values = cells(response.content)
    no_formula_runs(values)
    assert "'@G-1" in values
    assert len(HOSTILE) in values  # the contingent: a number
    dashboard = client.get(reverse("reports:dashboard"), {"_export": "xlsx", "_table": "faculties"})
    assert dashboard.status_code == 200
    assert any(inert(v) for v in no_formula_runs(cells(dashboard.content)))


def test_the_accreditation_registry_export(client, world):
    agency = Agency.objects.create(name="-Agency", short_name="@AG")
    Seminar.objects.create(
        topic=HOSTILE[0], date=datetime.date(2024, 3, 1), agency=agency, participants=42
    )
    response = client.get(reverse("accreditation:seminars"), {"export": "xlsx"})
    assert response.status_code == 200
    values = cells(response.content)
    no_formula_runs(values)
    assert "'" + HOSTILE[0] in values and 42 in values


@pytest.mark.parametrize("title", ["xlsx", "csv"])
def test_the_admin_exports(client, world, title):
    department = factories.department(name="=Department")
    TeachingLoad.objects.create(
        department=department,
        academic_year=factories.academic_year(2023),
        term=1,
        level="higher",
        planned_hours=1200,
        performed_hours=1100,
        reason="@SUM(A1)",
    )
    students = export(client, "student", StudentResource, title)
    loads = export(client, "teachingload", TeachingLoadResource, title)
    if title == "xlsx":
        student_values, load_values = cells(students), cells(loads)
    else:
        student_values = [
            v for row in csv.reader(io.StringIO(students.decode("utf-8-sig"))) for v in row
        ]
        load_values = [v for row in csv.reader(io.StringIO(loads.decode("utf-8-sig"))) for v in row]
    found = no_formula_runs(student_values)
    assert sorted(v[1:] for v in found if inert(v)) == sorted(HOSTILE)
    no_formula_runs(load_values)
    assert "'@SUM(A1)" in load_values and "'=Department" in load_values
    # The hours stay numbers: native in the workbook, plain digits in the CSV.
    assert (1200 in load_values) if title == "xlsx" else ("1200" in load_values)


def test_the_survey_results_json_is_data_not_a_spreadsheet(client):
    from surveys.models import Survey

    survey = Survey.objects.create(title=HOSTILE[0])
    response = Client()
    response.force_login(factories.user(is_superuser=True, is_staff=True))
    data = response.get(reverse("surveys:results_json", args=[survey.pk])).json()
    assert data  # JSON: consumers read values, nothing is run
