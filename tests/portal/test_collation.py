"""Kyrgyz alphabetical order (portal.collation): the key itself, the database's ORDER BY through
by_name on the database the tests run on (SQLite, or PostgreSQL's ICU collation), and a list's
column sorted by a click (portal.tables)."""

import pytest
from django.db import connection
from django.test import RequestFactory

from academics.models import StaffMember, Student
from portal.collation import KYRGYZ_ALPHABET, by_name, kyrgyz_key, name_key, sql_by_name
from portal.tables import NameColumn, PortalTable
from tests import factories

# In Kyrgyz alphabetical order: Ё after Е, Ң after Н, Ө after О, Ү after У.
KYRGYZ_ORDER = [
    "Ержанов Бакыт",
    "Ёлдошев Азат",
    "Нургазиев Темир",
    "Ңаалы Айбек",
    "Орозбеков Нурлан",
    "Өмүрбеков Талант",
    "Уланов Азамат",
    "Үсөнова Гүлзат",
    "Шамшиева Айпери",
    "Эсенгулов Марат",
    "Яковлев Иван",
]
SHUFFLED = [KYRGYZ_ORDER[i] for i in (9, 5, 0, 7, 3, 10, 1, 8, 6, 2, 4)]


def test_the_alphabet_is_the_kyrgyz_one():
    assert KYRGYZ_ALPHABET == "абвгдеёжзийклмнңоөпрстуүфхцчшщъыьэюя"
    assert sorted(KYRGYZ_ALPHABET, key=kyrgyz_key) == list(KYRGYZ_ALPHABET)


def test_the_key_puts_each_letter_in_its_place():
    assert sorted(SHUFFLED, key=kyrgyz_key) == KYRGYZ_ORDER
    # Code points put them last: the bug this key exists for.
    assert sorted(SHUFFLED)[-4:] != KYRGYZ_ORDER[-4:]


def test_the_key_ignores_case_and_keeps_the_surname_first():
    assert kyrgyz_key("өмүрбеков") == kyrgyz_key("ӨМҮРБЕКОВ")
    # The space between surname and name sorts before any letter: the shorter surname first.
    assert sorted(["Уланова Айгүл", "Уланов Эрмек"], key=kyrgyz_key) == [
        "Уланов Эрмек",
        "Уланова Айгүл",
    ]
    assert kyrgyz_key("") == kyrgyz_key(None) == ""


def test_ties_break_by_what_follows():
    rows = [("Үсөнова Гүлзат", "RB-2"), ("Үсөнова Гүлзат", "RB-1"), ("Уланов Азамат", "RB-3")]
    ordered = sorted(rows, key=lambda row: name_key(*row))
    assert ordered == [rows[2], rows[1], rows[0]]


@pytest.mark.django_db
def test_the_database_orders_in_kyrgyz():
    group = factories.group()
    for number, name in enumerate(SHUFFLED):
        factories.student(group=group, full_name=name, record_book=f"K{number:03d}")
    assert list(Student.objects.values_list("full_name", flat=True)) == KYRGYZ_ORDER
    ordered = Student.objects.order_by(by_name("full_name").desc())
    assert list(ordered.values_list("full_name", flat=True)) == KYRGYZ_ORDER[::-1]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT full_name FROM academics_student ORDER BY {sql_by_name('full_name')}"
        )
        assert [row[0] for row in cursor.fetchall()] == KYRGYZ_ORDER


@pytest.mark.django_db
def test_same_names_keep_the_record_book_order():
    group = factories.group()
    for book in ("B-3", "B-1", "B-2"):
        factories.student(group=group, full_name="Өмүрбеков Талант", record_book=book)
    factories.student(group=group, full_name="Орозбеков Нурлан", record_book="B-9")
    assert list(Student.objects.values_list("record_book", flat=True)) == [
        "B-9",
        "B-1",
        "B-2",
        "B-3",
    ]


@pytest.mark.django_db
def test_staff_are_in_kyrgyz_order():
    department = factories.department()
    for name in SHUFFLED:
        factories.staff_member(department=department, full_name=name)
    assert list(StaffMember.objects.values_list("full_name", flat=True)) == KYRGYZ_ORDER


class People(PortalTable):
    name = NameColumn(accessor="full_name")


def _sorted_by_click(data, sort):
    table = People(data)
    table.configure(RequestFactory().get("/", {"sort": sort}), paginate=False)
    return [row.get_cell_value("name") for row in table.rows]


@pytest.mark.django_db
def test_a_list_sorted_by_its_name_column_is_in_kyrgyz_order():
    group = factories.group()
    for name in SHUFFLED:
        factories.student(group=group, full_name=name)
    in_memory = [{"full_name": name} for name in SHUFFLED]
    for data in (Student.objects.order_by("pk"), in_memory):
        assert _sorted_by_click(data, "name") == KYRGYZ_ORDER
        assert _sorted_by_click(data, "-name") == KYRGYZ_ORDER[::-1]
