"""The results import page people can find and read: linked from the sessions' pages for those
who may import, a template in the interface's language that imports unchanged, errors grouped by
kind with their full list as a download, and error texts with no English words."""

import datetime
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from academics import roles
from academics.choices import Funding, Level, StudyForm
from jobs.models import Job
from sessions_app import importer
from sessions_app.choices import AssessmentKind, Attempt, NotAdmittedReason
from sessions_app.importer.columns import COLUMNS, OPTIONAL_COLUMNS, header, parsers
from sessions_app.importer.errors import GROUPS_SHOWN
from sessions_app.importer.workbook import sheet_name
from sessions_app.models import Grade
from tests import factories
from tests.sessions_app.test_importer import good_rows, row, workbook

pytestmark = pytest.mark.django_db

URL = reverse("sessions:import")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [column for column in COLUMNS if column not in OPTIONAL_COLUMNS]
# A word of two or more Latin letters, leaving out the names of file formats and programs.
ENGLISH = re.compile(r"\b(?!xlsx\b|PhD\b|Excel\b)[A-Za-z]{2,}\b")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def client_for(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["portal_language"] = language
    return client


def upload(data, name="results.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX)


def superuser():
    return factories.user(is_superuser=True, is_staff=True)


# 1. The links


@pytest.fixture
def world():
    year = factories.academic_year(2023)
    session = factories.exam_session(
        academic_year=year, term=2, main_start=datetime.date(2024, 6, 3)
    )
    faculty = factories.faculty(name="Faculty A")
    group = factories.group(program=factories.program(faculty=faculty), name="PI-1-23")
    factories.assessment(session=session, group=group)
    return {"session": session, "group": group, "faculty": faculty}


@pytest.mark.parametrize(
    "role, sees_link",
    [(roles.DEAN_OFFICE, True), ("superuser", True), (roles.VICE_RECTOR, False)],
)
def test_the_sessions_list_and_a_group_s_page_link_the_import_only_for_importers(
    world, role, sees_link
):
    if role == "superuser":
        user = superuser()
    else:
        user = factories.user(role=role, faculty=world["faculty"])
    assert importer.can_import(user) is sees_link
    client = client_for(user)
    link = f'href="{URL}"'
    for page in (
        reverse("sessions:session_list"),
        reverse("sessions:group_detail", args=[world["session"].pk, world["group"].pk]),
    ):
        response = client.get(page)
        assert response.status_code == 200, page
        assert (link in response.content.decode()) is sees_link, page


# 2. The template in the interface's language


def _english_words(values):
    return [word for value in values for word in ENGLISH.findall(str(value or ""))]


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_the_template_is_in_the_interface_s_language_and_imports_unchanged(language):
    client = client_for(superuser(), language)
    data = client.get(reverse("sessions:import_template")).content
    book = openpyxl.load_workbook(io.BytesIO(data))
    with translation.override(language):
        # The required columns, and the examiner's (optional) that a dean's office fills too.
        expected = [header(column) for column in [*HEADERS, "examiner"]]
        assert book.sheetnames[0] == sheet_name()
    results = book[book.sheetnames[0]]
    headers, example = (list(r) for r in results.iter_rows(max_row=2, values_only=True))
    assert headers == expected
    if language != "en":
        assert _english_words(headers + example + book.sheetnames) == []
        # The help sheet's first column names each column by the same header (an optional
        # one's followed by "(optional)" in the interface's language).
        names = [r[0] for r in book[book.sheetnames[1]].iter_rows(min_row=2, values_only=True)]
        assert set(expected) <= {str(name).split(" (")[0] for name in names if name}

    preview = client.post(URL, {"file": upload(data)})
    assert preview.status_code == 200
    assert not preview.context["result"].errors, preview.context["result"].errors
    confirmed = client.post(URL, {"token": preview.context["token"]})
    assert confirmed.status_code == 200
    assert Grade.objects.get().value == "4"


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_the_import_reads_every_choice_as_the_messages_name_it_in_each_language(language):
    columns = {
        "kind": AssessmentKind,
        "attempt": Attempt,
        "not_admitted_reason": NotAdmittedReason,
        "funding": Funding,
        "level": Level,
        "form": StudyForm,
    }
    with translation.override(language):
        parse = parsers()
        for column, choices in columns.items():
            for value, label in zip(choices.values, choices.labels, strict=True):
                assert parse[column](str(label)) == (True, value), (column, str(label))


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_a_sheet_headed_in_each_language_imports(language):
    with translation.override(language):
        headers = [header(column) for column in HEADERS]
    data = workbook(good_rows(), headers=headers)
    result = importer.import_results(data)
    assert result.ok, [str(error) for error in result.errors]
    assert Grade.objects.count() == 6


# 3. Errors grouped by kind, and their full list


def many_errors():
    """842 copies of one error (the grade “7x”), and three other errors: 845 rows."""
    rows = [
        row(student_id=f"9{n:06d}", student_name=f"Student {n}", grade="7x") for n in range(842)
    ]
    rows.append(row(student_id="8000001", student_name="Other 1", admitted="maybe"))
    rows.append(row(student_id="8000002", student_name="Other 2", kind="lecture"))
    rows.append(row(student_id="8000003", student_name="Other 3", not_admitted_reason="valid"))
    return rows


def test_842_copies_of_one_error_make_one_line_that_names_the_first_rows():
    client = client_for(superuser())
    response = client.post(URL, {"file": upload(workbook(many_errors()))})
    assert response.status_code == 200
    groups = response.context["error_groups"]
    assert [(g.column, g.count) for g in groups] == [
        ("grade", 842),
        ("admitted", 1),
        ("kind", 1),
        ("not_admitted_reason", 1),
    ]
    assert groups[0].rows == [2, 3, 4, 5, 6] and groups[0].more == 837
    page = response.content.decode()
    start = page.index('class="error-groups"')
    errors_list = page[start : page.index("</ul>", start)]
    assert errors_list.count("<li>") == 4
    assert "“7x” is not a grade" in errors_list
    assert "rows 2, 3, 4, 5, 6 … and 837 more" in " ".join(errors_list.split())
    assert "845 errors in 845 of 845 rows" in page
    assert "Confirm the import" not in page


def test_the_full_list_of_errors_downloads_as_a_workbook():
    client = client_for(superuser())
    response = client.post(URL, {"file": upload(workbook(many_errors()))})
    link = reverse("sessions:import_errors", args=[response.context["errors_token"]])
    assert f'href="{link}"' in response.content.decode()

    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Row", "Column", "Value in the file", "What is wrong")
    assert len(rows) == 1 + 845
    assert rows[1][:3] == (2, "grade", "7x") and "is not a grade" in rows[1][3]
    assert rows[-1][:3] == (846, "not_admitted_reason", "valid")
    # Another user, or the same one in another session, cannot fetch it.
    assert client_for(superuser()).get(link).status_code == 404


def test_a_file_checked_as_a_job_shows_the_same_groups_and_download(settings):
    settings.RESULTS_IMPORT_INLINE_ROWS = 5  # many_errors() has 845 rows: a job
    client = client_for(superuser())
    response = client.post(URL, {"file": upload(workbook(many_errors()))})
    assert response.status_code == 302
    job = Job.objects.get()
    # The job keeps the kinds counted over every error, though it keeps only the first errors.
    assert [group[2] for group in job.result["groups"]] == [842, 1, 1, 1]
    page = client.get(response.url)
    assert [g.count for g in page.context["error_groups"]] == [842, 1, 1, 1]
    link = reverse("sessions:import_errors", args=[page.context["errors_token"]])
    assert f'href="{link}"' in page.content.decode()
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(link).content)).active
    assert sheet.max_row == 1 + 845


@pytest.mark.parametrize("as_job", [False, True])
def test_many_kinds_of_error_list_the_first_kinds_and_say_how_many_more(settings, as_job):
    if as_job:
        settings.RESULTS_IMPORT_INLINE_ROWS = 5
    rows = [
        row(student_id=f"9{n:06d}", student_name=f"Student {n}", kind=f"kind {n}")
        for n in range(GROUPS_SHOWN + 7)
    ]
    client = client_for(superuser())
    response = client.post(URL, {"file": upload(workbook(rows))}, follow=True)
    assert len(response.context["error_groups"]) == GROUPS_SHOWN
    assert response.context["groups_hidden"] == 7
    assert "and 7 more kinds of error" in response.content.decode()
    if as_job:
        assert len(Job.objects.get().result["groups"]) == GROUPS_SHOWN


# 4. Error texts in the interface's language


def _messages(data, language):
    with translation.override(language):
        try:
            result = importer.import_results(data, dry_run=True)
        except importer.ImportRefused as refusal:
            return list(refusal.messages)
        return [str(error) for error in result.errors]


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_the_errors_of_a_sheet_headed_in_the_language_hold_no_english_word(language):
    with translation.override(language):
        headers = [header(column) for column in HEADERS]
    rows = good_rows()
    rows[0]["grade"] = "7x"  # not a grade
    rows[1]["grade"] = "5"  # a 5 in a credit
    rows[2]["admitted"] = "балким"  # neither yes nor no
    rows[3]["kind"] = "лекция"  # no such kind
    rows[4]["grade"] = "3"  # a grade for a student not admitted
    rows[5]["not_admitted_reason"] = ""  # not admitted with no reason
    rows[6]["attempt"] = "үчүнчү"  # no such attempt
    rows[7]["academic_year"] = "2023"  # not an academic year
    rows[8]["level"] = "доктор"  # no such level
    messages = _messages(workbook(rows, headers=headers), language)
    assert len(messages) >= 9, messages
    assert _english_words(messages) == [], messages
    # The columns are named as the file heads them.
    assert any(f"“{header_text}”" in " ".join(messages) for header_text in headers)


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_a_refused_header_row_is_explained_with_no_english_word(language):
    with translation.override(language):
        headers = [header(column) for column in HEADERS]
        grade = header("grade")
    headers[headers.index(grade)] = "Баалар"  # unknown, and the grade column is missing
    messages = _messages(workbook(good_rows(), headers=headers), language)
    assert len(messages) == 2, messages
    assert _english_words(messages) == [], messages
    assert f"“{grade}”" in messages[1]


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_the_page_names_the_columns_by_their_headers_in_the_language(language):
    response = client_for(superuser(), language).get(URL)
    rows = response.context["columns_table"].data.data
    with translation.override(language):
        assert [r["column"] for r in rows] == [header(column) for column in COLUMNS]
    assert _english_words(r["column"] for r in rows) == []
    assert _english_words(a for r in rows for a in r["aliases"]) == []
    assert response.context["sheet_name"] in ("натыйжалар", "результаты")
