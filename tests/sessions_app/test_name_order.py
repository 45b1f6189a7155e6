"""Students in Kyrgyz alphabetical order (Ё after Е, Ң after Н, Ө after О, Ү after У) on the
grade sheet's page, its print and its .xlsx download, and the admission page, on whichever
database the tests run (SQLite, PostgreSQL). portal.collation holds the rule."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from academics import roles
from sessions_app import services
from sessions_app.choices import Attempt
from tests import factories
from tests.portal.test_collation import KYRGYZ_ORDER, SHUFFLED

pytestmark = pytest.mark.django_db

# Two students of the same name: the record book decides, as it always has.
TWINS = ("Үсөнова Гүлзат", ("KG-TWIN-2", "KG-TWIN-1"))


def expected_books():
    """The record books in the order the pages must list them."""
    books = []
    for name in KYRGYZ_ORDER:
        books.append(f"KG-{SHUFFLED.index(name):02d}")
        if name == TWINS[0]:
            books += sorted(TWINS[1])
    return books


@pytest.fixture
def names_world():
    """A group whose students were created in no order: the Kyrgyz names of
    tests.portal.test_collation and a second Үсөнова; an exam whose main sheet gives each a 2, so
    that all of them owe it (for the reports' owing lists)."""
    faculty = factories.faculty()
    group = factories.group(program=factories.program(faculty=faculty), name="ЭК-1-24")
    for number, name in enumerate(SHUFFLED):
        factories.student(group=group, full_name=name, record_book=f"KG-{number:02d}")
    for book in TWINS[1]:
        factories.student(group=group, full_name=TWINS[0], record_book=book)
    exam = factories.assessment(group=group, kind="exam")
    services.ensure_admissions(exam.session, group)
    sheet = services.open_sheet(exam, Attempt.MAIN)
    students = group.students.all()
    services.record_grades(sheet, {s.pk: "2" for s in students}, None, version=sheet.version)
    return {
        "faculty": faculty,
        "group": group,
        "session": exam.session,
        "exam": exam,
        "dean": factories.user(role=roles.DEAN_OFFICE, faculty=faculty),
        "rector": factories.user(role=roles.VICE_RECTOR),
        "names": dict(students.values_list("record_book", "full_name")),
    }


def client_for(user, language):
    client = Client()
    client.force_login(user)
    client.cookies["portal_language"] = language
    return client


def order_in(text):
    """The record books of the world as they first appear in `text`."""
    found = {book: text.find(book) for book in expected_books()}
    assert all(at >= 0 for at in found.values()), [b for b, at in found.items() if at < 0]
    return sorted(found, key=found.get)


def workbook_text(content):
    """The cells of every sheet of an .xlsx file, row by row, as one text."""
    book = load_workbook(io.BytesIO(content))
    return "\n".join(
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )


def get(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_the_sheet_page_and_its_print_list_students_in_kyrgyz_order(names_world, language):
    client = client_for(names_world["dean"], language)
    exam = names_world["exam"]
    for name in ("sessions:sheet", "sessions:sheet_print"):
        page = get(client, name, exam.pk, Attempt.MAIN).content.decode()
        assert order_in(page) == expected_books(), name


def test_the_sheets_xlsx_lists_students_in_kyrgyz_order(names_world):
    client = client_for(names_world["dean"], "ky")
    response = get(client, "sessions:sheet_download", names_world["exam"].pk, Attempt.MAIN)
    assert order_in(workbook_text(response.content)) == expected_books()


@pytest.mark.parametrize("stage", [Attempt.MAIN, Attempt.RETAKE])
def test_the_admission_page_lists_students_in_kyrgyz_order(names_world, stage):
    client = client_for(names_world["dean"], "ky")
    w = names_world
    page = get(client, "sessions:admission", w["session"].pk, w["group"].pk, stage)
    assert order_in(page.content.decode()) == expected_books()


def test_the_roster_is_in_kyrgyz_order(names_world):
    sheet = services.open_sheet(names_world["exam"], Attempt.MAIN)
    rows = services.roster(sheet)
    assert [row.student.record_book for row in rows] == expected_books()
