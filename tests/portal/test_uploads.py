"""Hostile uploads, built here, posted through the real pages: the results import, the admin's
spreadsheet import and the survey import (page and command). Each is refused with a message that
names the file, and nothing is written."""

import functools
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from academics.models import Student
from portal import uploads
from sessions_app.models import Grade
from surveys.models import Survey
from tests.academics.test_import import format_index
from tests.sessions_app.test_importer import good_rows, workbook
from tests.surveys.exports import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client(admin_client):
    admin_client.cookies["portal_language"] = "en"
    return admin_client


# Building the hostile files


def student_rows():
    return [
        ["record_book", "full_name", "group", "academic_year", "funding"],
        ["RB1", "Asanov Bakyt", "G-1", "2023-2024", "budget"],
    ]


def plain_xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_part(data, name, content=None, transform=None):
    """A copy of the .xlsx `data` with the part `name` added or replaced (`content`: bytes or a
    function writing to the open member)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename == name:
                continue
            archive.writestr(info, source.read(info))
        if callable(content):
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as member:
                content(member)
        else:
            part = transform(source.read(name)) if transform else content
            archive.writestr(name, part, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@functools.cache
def zip_bomb(data):
    """`data` with a 300 MB part of zeros, which compresses to about 300 KB."""
    zeros = bytes(1024 * 1024)

    def write(member):
        for _ in range(300):
            member.write(zeros)

    return with_part(data, "xl/media/padding.bin", write)


LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]>\n"
)


def billion_laughs(data):
    """`data` whose shared strings part declares the billion laughs and uses them."""
    return with_part(
        data,
        "xl/sharedStrings.xml",
        LAUGHS
        + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="1"><si><t>&lol9;</t></si></sst>',
    )


def laughs_in_sheet(data):
    """`data` whose first sheet starts with the billion laughs' DTD."""

    def transform(xml):
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        return LAUGHS + body

    return with_part(data, "xl/worksheets/sheet1.xml", transform=transform)


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200)


def formula_xlsx(rows, cell="B2", formula='=HYPERLINK("http://evil","x")'):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.active[cell] = formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def english(message):
    with translation.override("en"):
        return str(message)


# The checks themselves


def test_a_plain_workbook_and_a_utf8_csv_pass():
    assert uploads.check_upload(plain_xlsx(student_rows()), "ok.xlsx") == uploads.XLSX
    assert uploads.check_upload(csv_bytes(), "ok.csv") == uploads.CSV


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (PDF, "neither a CSV file nor an Excel workbook"),
        (EXE, "neither a CSV file nor an Excel workbook"),
        (b"a,b\x00c\n", "neither a CSV file nor an Excel workbook"),
        ("Имя,балл\n".encode("cp1251"), "not in UTF-8"),
    ],
)
def test_what_is_not_a_spreadsheet_is_refused_by_its_content(data, reason):
    with translation.override("en"), pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_upload(data, "renamed.csv")
    assert "“renamed.csv”" in str(refused.value) and reason in str(refused.value)


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    with translation.override("en"), pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_upload(buffer.getvalue(), "doc.xlsx")
    assert "not an Excel workbook" in str(refused.value)


def test_too_many_parts_and_a_high_ratio_are_refused(monkeypatch):
    data = plain_xlsx(student_rows())
    monkeypatch.setattr(uploads, "MAX_MEMBERS", 5)
    with translation.override("en"), pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_upload(data, "many.xlsx")
    assert "parts, more than 5" in str(refused.value)
    monkeypatch.setattr(uploads, "MAX_MEMBERS", 1000)
    # 50 MB of zeros: under the unpacked cap, but compressed a thousand times.
    padded = with_part(
        data, "xl/media/pad.bin", lambda m: [m.write(bytes(1 << 20)) for _ in "x" * 50]
    )
    with translation.override("en"), pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_upload(padded, "ratio.xlsx")
    assert "zip bomb" in str(refused.value) and "xl/media/pad.bin" in str(refused.value)


def test_a_formula_is_refused_with_its_sheet_row_and_column():
    with translation.override("en"), pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_upload(formula_xlsx(student_rows(), "C2"), "f.xlsx")
    assert "“f.xlsx”" in str(refused.value)
    assert "“Sheet”" in str(refused.value) and "row 2, column C" in str(refused.value)


# The results import page


def post_results(client, data, name="results.xlsx"):
    return client.post(
        reverse("sessions:import"), {"file": SimpleUploadedFile(name, data, content_type=XLSX)}
    )


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: zip_bomb(workbook(good_rows())), "zip bomb"),
        (lambda: billion_laughs(workbook(good_rows())), "document type declaration"),
        (lambda: laughs_in_sheet(workbook(good_rows())), "document type declaration"),
        (lambda: PDF, "not an Excel workbook"),
        (lambda: EXE, "not an Excel workbook"),
    ],
    ids=["zip-bomb", "billion-laughs", "laughs-in-sheet", "renamed-pdf", "renamed-exe"],
)
def test_the_results_import_refuses_hostile_files(client, make, reason):
    response = post_results(client, make())
    page = response.content.decode()
    assert response.status_code == 400
    assert "“results.xlsx”" in page.replace("&ldquo;", "“").replace("&rdquo;", "”") or (
        "results.xlsx" in page
    )
    assert reason in page
    assert not Grade.objects.exists() and not Student.objects.exists()


def test_the_results_import_refuses_an_oversized_upload(client, settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 1000
    response = post_results(client, workbook(good_rows()))
    assert response.status_code == 400
    assert "at most 0.0 MB can be uploaded" in response.content.decode()
    assert not Grade.objects.exists()


def test_the_results_import_refuses_a_formula_with_its_cell(client):
    book = openpyxl.load_workbook(io.BytesIO(workbook(good_rows())))
    book["results"]["Q3"] = "=2+3"
    buffer = io.BytesIO()
    book.save(buffer)
    response = post_results(client, buffer.getvalue())
    assert response.status_code == 400
    assert "row 3, column Q" in response.content.decode()
    assert not Grade.objects.exists()


def test_the_results_command_refuses_a_zip_bomb(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(zip_bomb(workbook(good_rows())))
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_results", str(path), stderr=stderr)
    assert "“bomb.xlsx”" in stderr.getvalue() and "zip bomb" in stderr.getvalue()
    assert not Grade.objects.exists()


# The admin's imports (django-import-export)


def post_admin(client, data, filename):
    url = reverse("admin:academics_student_import")
    page = client.get(url)
    title = "xlsx" if filename.endswith(".xlsx") else "csv"
    return client.post(
        url,
        {
            "resource": "0",
            "format": format_index(page.context["form"], title),
            "import_file": SimpleUploadedFile(filename, data),
        },
    )


@pytest.mark.parametrize(
    ("make", "filename", "reason"),
    [
        (lambda: zip_bomb(plain_xlsx(student_rows())), "students.xlsx", "zip bomb"),
        (lambda: billion_laughs(plain_xlsx(student_rows())), "students.xlsx", "document type"),
        (lambda: PDF, "students.xlsx", "neither a CSV file nor an Excel workbook"),
        (lambda: PDF, "students.csv", "neither a CSV file nor an Excel workbook"),
        (lambda: formula_xlsx(student_rows(), "B2"), "students.xlsx", "row 2, column B"),
    ],
    ids=["zip-bomb", "billion-laughs", "renamed-pdf", "pdf-as-csv", "formula"],
)
def test_the_admin_import_refuses_hostile_files(client, make, filename, reason):
    response = post_admin(client, make(), filename)
    form = response.context["form"]
    errors = " ".join(form.errors.get("import_file", []))
    assert f"“{filename}”" in errors and reason in errors
    assert not Student.objects.exists()


def test_the_admin_import_refuses_an_oversized_upload(client, settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 100
    response = post_admin(client, plain_xlsx(student_rows()), "students.xlsx")
    assert "at most 0.0 MB" in " ".join(response.context["form"].errors["import_file"])


# The survey import (page and command)


def post_survey(client, data, filename):
    return client.post(
        reverse("surveys:import"),
        {
            "title": "Hostile",
            "about": "other",
            "year": "",
            "term": "",
            "file": SimpleUploadedFile(filename, data),
        },
    )


@pytest.mark.parametrize(
    ("make", "filename", "reason"),
    [
        (lambda: zip_bomb(xlsx_bytes()), "answers.xlsx", "zip bomb"),
        (lambda: billion_laughs(xlsx_bytes()), "answers.xlsx", "document type declaration"),
        (lambda: laughs_in_sheet(xlsx_bytes()), "answers.xlsx", "document type declaration"),
        (lambda: PDF, "answers.csv", "neither a CSV file nor an Excel workbook"),
        (
            lambda: formula_xlsx([["Timestamp", "Q"], ["01.01.2024 10:00:00", "a"]]),
            "answers.xlsx",
            "row 2, column B",
        ),
    ],
    ids=["zip-bomb", "billion-laughs", "laughs-in-sheet", "renamed-pdf", "formula"],
)
def test_the_survey_import_refuses_hostile_files(client, make, filename, reason):
    response = post_survey(client, make(), filename)
    assert response.status_code == 400
    refused = " ".join(response.context["refused"])
    assert f"“{filename}”" in refused and reason in refused
    assert not Survey.objects.exists()


def test_the_survey_command_refuses_a_billion_laughs(tmp_path):
    path = tmp_path / "answers.xlsx"
    path.write_bytes(billion_laughs(xlsx_bytes()))
    with pytest.raises(CommandError) as refused:
        call_command("import_survey", str(path), "--title", "Hostile")
    assert "document type declaration" in str(refused.value)
    assert not Survey.objects.exists()
