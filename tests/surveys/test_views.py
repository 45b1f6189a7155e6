"""The survey pages by role: who sees the results, who imports (portal page and admin), who opens
a survey and prints its links; the results page's figures, bars and refresh."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from academics import roles
from surveys.importer import import_survey
from surveys.models import Question, Response, Survey, SurveyLink
from tests import factories

from .exports import IDEAS, SCALE_Q, TROUBLE_Q, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["portal_language"] = language
    return client


@pytest.fixture
def survey():
    return import_survey(csv_bytes(), "answers.csv", "Жайкы сессия 2024").survey


@pytest.fixture
def department():
    return client_for(factories.user(role=roles.ACADEMIC_DEPARTMENT))


def test_anonymous_visitors_see_no_results(survey):
    client = Client()
    for url in (
        reverse("surveys:list"),
        reverse("surveys:detail", args=[survey.pk]),
        reverse("surveys:results_json", args=[survey.pk]),
        reverse("surveys:links", args=[survey.pk]),
        reverse("surveys:import"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_is_refused(survey):
    client = client_for(factories.user())
    assert client.get(reverse("surveys:list")).status_code == 403
    assert client.get(reverse("surveys:detail", args=[survey.pk])).status_code == 403


@pytest.mark.parametrize("role", [roles.VICE_RECTOR, roles.DEAN_OFFICE, roles.ACADEMIC_DEPARTMENT])
def test_the_roles_read_the_results(survey, role):
    client = client_for(factories.user(role=role))
    page = client.get(reverse("surveys:list"))
    assert page.status_code == 200
    assert "Жайкы сессия 2024" in page.content.decode()
    page = client.get(reverse("surveys:detail", args=[survey.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert SCALE_Q in html
    assert "38.46" in html  # 5 of the 13 who answered
    assert 'width="38.46"' in html  # the bar
    assert "14 responses" in html
    assert "38.46% — Эң жакшы, 38.46% — Жакшы, 7.69% — Канааттандырарлык" in html
    assert IDEAS[1].replace('"', "&quot;") in html  # free text, escaped
    assert " style=" not in html and "<script>" not in html


def test_the_results_page_speaks_kyrgyz_numbers(survey, department):
    department.cookies["portal_language"] = "ky"
    html = department.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert "38,46% — Эң жакшы" in html
    assert 'width="38.46"' in html  # the SVG attribute stays a number


def test_only_the_academic_department_changes(survey):
    vice = client_for(factories.user(role=roles.VICE_RECTOR))
    assert vice.post(reverse("surveys:open", args=[survey.pk]), {"open": "1"}).status_code == 403
    assert (
        vice.post(reverse("surveys:create_links", args=[survey.pk]), {"count": 3}).status_code
        == 403
    )
    assert vice.get(reverse("surveys:links", args=[survey.pk])).status_code == 403
    assert vice.get(reverse("surveys:import")).status_code == 403
    assert not SurveyLink.objects.exists()
    html = vice.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert "Make links" not in html


def test_open_make_links_and_print_them_with_qr_codes(survey, department):
    department.post(reverse("surveys:open", args=[survey.pk]), {"open": "1"})
    survey.refresh_from_db()
    assert survey.is_open
    made = department.post(reverse("surveys:create_links", args=[survey.pk]), {"count": 3})
    assert made.status_code == 302
    assert SurveyLink.objects.filter(survey=survey, used=False).count() == 3
    page = department.get(made["Location"])
    html = page.content.decode()
    assert html.count('class="segno"') == 3
    for link in SurveyLink.objects.all():
        assert f"/surveys/answer/{link.token}/" in html
    assert " style=" not in html
    # An open survey's results page asks surveys.js to refresh it.
    detail = department.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert 'data-refresh="10"' in detail
    assert "js/surveys.js" in detail
    part = department.get(reverse("surveys:detail", args=[survey.pk]) + "?part=results")
    assert "<html" not in part.content.decode()
    assert SCALE_Q in part.content.decode()
    department.post(reverse("surveys:open", args=[survey.pk]), {"open": "0"})
    survey.refresh_from_db()
    assert not survey.is_open


def test_results_json(survey, department):
    data = department.get(reverse("surveys:results_json", args=[survey.pk])).json()
    assert data["responses"] == 14
    assert data["questions"][2]["text"] == TROUBLE_Q
    assert data["questions"][2]["answers"][0] == {"option": "Жадыбал", "count": 6, "pct": 50.0}


def preview_kinds(html):
    return re.findall(r'<option value="(\w+)" selected>', html)


def test_the_academic_department_imports_through_the_portal(department):
    upload = SimpleUploadedFile("answers.xlsx", xlsx_bytes())
    page = department.post(
        reverse("surveys:import"),
        {
            "file": upload,
            "title": "БМА 2024",
            "about": "state_attestation",
            "year": "2023-2024",
            "term": "2",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert preview_kinds(html) == ["single", "yes_no", "multiple", "text"]
    assert "14 answer rows read" in html
    assert not Survey.objects.exists()  # nothing before the confirmation
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    # Change the multiple choice column (D, index 3) to free text, then import.
    refreshed = department.post(
        reverse("surveys:import"), {"token": token, "kind_3": "text", "refresh": "1"}
    )
    assert preview_kinds(refreshed.content.decode()) == ["single", "yes_no", "text", "text"]
    done = department.post(
        reverse("surveys:import"), {"token": token, "kind_3": "text", "confirm": "1"}
    )
    survey = Survey.objects.get()
    assert done.status_code == 302 and done["Location"] == survey.get_absolute_url()
    assert (survey.about, survey.academic_year.name, survey.term) == (
        "state_attestation",
        "2023-2024",
        2,
    )
    assert survey.questions.get(order=3).kind == "text"
    assert Response.objects.count() == 14
    # The preview is used up.
    again = department.post(reverse("surveys:import"), {"token": token, "confirm": "1"})
    assert again.status_code == 400
    assert Response.objects.count() == 14


def test_a_broken_upload_is_refused_with_its_place(department):
    upload = SimpleUploadedFile("answers.csv", csv_bytes(header=("Аты", "А", "Б", "В", "Г")))
    page = department.post(
        reverse("surveys:import"), {"file": upload, "title": "X", "about": "other"}
    )
    assert page.status_code == 400
    assert "“answers.csv”, row 1, column A" in page.content.decode()
    assert not Survey.objects.exists()


def test_a_dean_office_cannot_import():
    client = client_for(factories.user(role=roles.DEAN_OFFICE))
    upload = SimpleUploadedFile("answers.csv", csv_bytes())
    page = client.post(reverse("surveys:import"), {"file": upload, "title": "X", "about": "other"})
    assert page.status_code == 403
    assert not Survey.objects.exists()


def test_the_admin_import_previews_then_imports():
    staff = client_for(factories.user(role=roles.ACADEMIC_DEPARTMENT, is_staff=True))
    url = reverse("admin:surveys_survey_import")
    assert staff.get(reverse("admin:surveys_survey_changelist")).content.decode().count(url) == 1
    page = staff.post(
        url, {"file": SimpleUploadedFile("a.csv", csv_bytes()), "title": "T", "about": "other"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "admin" in html and preview_kinds(html) == ["single", "yes_no", "multiple", "text"]
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    done = staff.post(url, {"token": token, "confirm": "1"})
    survey = Survey.objects.get()
    assert done["Location"] == reverse("admin:surveys_survey_change", args=[survey.pk])
    assert Question.objects.filter(survey=survey).count() == 4
    assert Response.objects.count() == 14


def test_a_staff_user_without_the_role_cannot_use_the_admin_import():
    staff = client_for(factories.user(is_staff=True))
    response = staff.get(reverse("admin:surveys_survey_import"))
    assert response.status_code == 403


def test_the_list_exports_its_surveys_with_their_responses_as_numbers(survey, department):
    Survey.objects.create(title="=HYPERLINK(1)")
    url = reverse("surveys:list")
    assert "_export=xlsx&amp;_table=surveys" in department.get(url).content.decode()
    response = department.get(url, {"_export": "xlsx", "_table": "surveys", "sort": "title"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Survey", "About", "Academic year", "Responses", "Status"]
    assert rows[1][0] == "'=HYPERLINK(1)" and rows[1][3] == 0
    assert rows[2][0] == "Жайкы сессия 2024" and rows[2][3] == survey.responses.count() > 0
    assert rows[2][4] == "Closed"
