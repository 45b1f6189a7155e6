"""The results import page: upload, preview, confirm; the template; who may import what."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from academics import roles
from sessions_app.importer.page import STAGING
from sessions_app.models import Grade, GradeChange
from tests import factories
from tests.sessions_app.test_importer import good_rows, row, workbook

pytestmark = pytest.mark.django_db

URL = reverse("sessions:import")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def client(admin_client):
    admin_client.cookies["portal_language"] = "en"
    return admin_client


def login(client, user):
    client.force_login(user)
    client.cookies["portal_language"] = "en"
    return client


def upload(data, name="results.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX)


def pending_files():
    directory = STAGING.directory()
    return sorted(directory.glob("*.xlsx")) if directory.exists() else []


def test_the_page_offers_the_upload_and_the_template(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("sessions:import_template") in page
    assert 'type="file"' in page and 'enctype="multipart/form-data"' in page


def test_the_template_downloads_as_a_workbook(client):
    response = client.get(reverse("sessions:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "results-template.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["results", "help"]
    help_rows = [r[0] for r in book["help"].iter_rows(values_only=True)]
    assert "grade" in help_rows and "student_id" in help_rows


def test_upload_preview_then_confirm(client):
    response = client.post(URL, {"file": upload(workbook(good_rows()))})
    assert response.status_code == 200
    page = response.content.decode()
    assert "9 rows read" in page
    assert "Confirm the import" in page
    assert not Grade.objects.exists()  # a preview writes nothing
    assert len(pending_files()) == 1
    token = response.context["token"]

    response = client.post(URL, {"token": token})
    assert response.status_code == 200
    assert "imported: 9 rows" in response.content.decode()
    assert Grade.objects.count() == 6
    assert set(GradeChange.objects.values_list("source", flat=True)) == {"import"}
    assert pending_files() == []

    # The same token cannot import twice.
    response = client.post(URL, {"token": token})
    assert "expired" in response.content.decode()
    assert GradeChange.objects.count() == 6


def test_the_preview_lists_every_error_and_offers_no_confirmation(client):
    rows = good_rows()
    rows[0]["grade"] = "pass"
    rows[4]["admitted"] = "maybe"
    response = client.post(URL, {"file": upload(workbook(rows))})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 errors in 2 of 9 rows" in page
    errors = [(e.row, e.column) for e in response.context["errors"]]
    assert errors == [(2, "grade"), (6, "admitted")]
    assert "Confirm the import" not in page
    assert pending_files() == []
    assert not Grade.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(client):
    response = client.post(URL, {"file": upload(b"a,b\n1,2\n", name="results.xlsx")})
    assert response.status_code == 400
    assert "not an Excel workbook" in response.content.decode()
    assert pending_files() == []


def test_a_file_above_the_limit_is_refused(client, settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 100
    response = client.post(URL, {"file": upload(workbook(good_rows()))})
    assert response.status_code == 400
    assert "at most" in response.content.decode()


def test_a_token_of_another_session_is_refused(client):
    response = client.post(URL, {"file": upload(workbook(good_rows()))})
    token = response.context["token"]
    other = factories.user(is_superuser=True, is_staff=True)
    other_client = login(type(client)(), other)
    response = other_client.post(URL, {"token": token})
    assert "expired" in response.content.decode()
    assert not Grade.objects.exists()


def test_a_dean_s_office_imports_its_faculty(client):
    faculty = factories.faculty(name="Faculty of IT")
    dean = factories.user(role=roles.DEAN_OFFICE, faculty=faculty)
    dean_client = login(client, dean)
    response = dean_client.post(URL, {"file": upload(workbook(good_rows()))})
    assert response.status_code == 200
    response = dean_client.post(URL, {"token": response.context["token"]})
    assert response.status_code == 200
    assert set(GradeChange.objects.values_list("changed_by", flat=True)) == {dean.pk}


def test_a_dean_s_office_cannot_import_another_faculty_s_rows(client):
    mine = factories.faculty(name="Faculty of IT")
    other = factories.faculty(name="Faculty of Energy")
    dean = factories.user(role=roles.DEAN_OFFICE, faculty=mine)
    dean_client = login(client, dean)
    rows = good_rows() + [
        row(
            faculty=other.name,
            program_code="640100",
            group="E-1-23",
            student_id="2309999",
            student_name="Other Student",
        )
    ]
    response = dean_client.post(URL, {"file": upload(workbook(rows))})
    assert response.status_code == 403
    page = response.content.decode()
    assert "only the rows of your faculty" in page
    assert "Confirm the import" not in page
    assert not Grade.objects.exists()
    assert pending_files() == []


@pytest.mark.parametrize("role", [roles.VICE_RECTOR, roles.ACADEMIC_DEPARTMENT, None])
def test_readers_cannot_import(client, role):
    login(client, factories.user(role=role))
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"file": upload(workbook(good_rows()))})
    assert response.status_code == 403
    assert not Grade.objects.exists()


def test_anonymous_users_are_sent_to_log_in(db):
    from django.test import Client

    response = Client().get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["grade", "examsession", "assessment"])
def test_the_admin_links_the_results_import(admin_client, model):
    html = admin_client.get(f"/admin/sessions_app/{model}/").content.decode()
    assert 'href="/sessions/import/"' in html


def test_a_long_errors_list_pages_and_its_other_pages_are_read_back(client):
    rows = [
        row(student_id=f"99{n:05d}", student_name=f"Student {n}", grade="7x") for n in range(60)
    ]
    response = client.post(URL, {"file": upload(workbook(rows))})
    assert response.status_code == 200
    first = response.context["errors_table"]
    assert len(first.paginated_rows) == 50 and first.paginator.num_pages == 2
    assert "?errors-page=2" in response.content.decode()

    second = client.get(URL, {"errors-page": 2})

    assert second.status_code == 200
    assert [r.record.row for r in second.context["errors_table"].paginated_rows] == list(
        range(52, 62)
    )
    assert "60 errors in 60 of 60 rows" in second.content.decode()
    # The plain page forgets them: a later ?errors-page= shows the upload form.
    assert client.get(URL).status_code == 200
    assert "errors_table" not in client.get(URL, {"errors-page": 2}).context
