"""The demo fills the Russian names of its faculties, programs and agencies where they are empty,
and leaves a Russian name someone typed as it is."""

import pytest

from accreditation.models import Agency
from demo.russian import AGENCIES_RU, FACULTIES_RU, PROGRAMS_RU, fill_russian_names
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_russian_names_are_filled_where_empty_only():
    faculty = factories.faculty(code="ebf", name="Экономика жана башкаруу факультети")
    program = factories.program(name="Программалык инженерия", faculty=faculty)
    typed = factories.program(name="Менеджмент", name_ru="Менеджмент (свой)", faculty=faculty)
    agency = Agency.objects.create(name="Сапаттуу Билим")

    assert fill_russian_names() == 3

    faculty.refresh_from_db()
    program.refresh_from_db()
    typed.refresh_from_db()
    agency.refresh_from_db()
    assert faculty.name_ru == "Факультет экономики и управления"
    assert program.name_ru == "Программная инженерия"
    assert typed.name_ru == "Менеджмент (свой)"
    assert agency.name_ru == "Сапаттуу Билим"
    assert fill_russian_names() == 0


def test_every_demo_name_has_its_russian_form():
    from demo.accreditation import AGENCIES, LICENCES
    from demo.university import FACULTIES, PROGRAMS

    assert {code for code, *_ in FACULTIES} == set(FACULTIES_RU)
    assert {name for _dept, _level, _code, name, *_ in PROGRAMS} <= set(PROGRAMS_RU)
    assert {name for _code, name, *_ in LICENCES} <= set(PROGRAMS_RU)
    assert {row["name"] for row in AGENCIES} == set(AGENCIES_RU)
