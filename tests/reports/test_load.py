"""Section 4, the teaching load, against hand-computed cases: per term and year, the difference
and the share performed, the reasons, the totals per level and university, over and under."""

from decimal import Decimal

import pytest

from academics.choices import FacultyKind, LoadLevel
from reports.load import teaching_load
from tests import factories

pytestmark = pytest.mark.django_db

HIGHER, SECONDARY = LoadLevel.HIGHER, LoadLevel.SECONDARY


def _load(department, year, term, level, planned, performed, reason=""):
    return factories.teaching_load(
        department=department,
        academic_year=year,
        term=term,
        level=level,
        planned_hours=planned,
        performed_hours=performed,
        reason=reason,
    )


@pytest.fixture
def world():
    """In 2023: "Math" (faculty) over by 150 in the spring; "Physics" (faculty) exactly on plan;
    "Pedagogy" (college) under by 100 in the autumn and by 20 in the spring, the same reason
    twice. Last year's load of "Math" must not count."""
    year, previous = factories.academic_year(2023), factories.academic_year(2022)
    faculty = factories.faculty(name="Engineering")
    college = factories.faculty(name="College", kind=FacultyKind.COLLEGE)
    math = factories.department(faculty=faculty, name="Math")
    physics = factories.department(faculty=faculty, name="Physics")
    pedagogy = factories.department(faculty=college, name="Pedagogy")
    _load(math, year, 1, HIGHER, 1000, 1000)
    _load(math, year, 2, HIGHER, 900, 1050, "foreign students")
    _load(physics, year, 1, HIGHER, 500, 500)
    _load(physics, year, 2, HIGHER, 400, 400)
    _load(pedagogy, year, 1, SECONDARY, 800, 700, "groups merged")
    _load(pedagogy, year, 2, SECONDARY, 700, 680, "groups merged")
    _load(math, previous, 1, HIGHER, 99999, 1)
    return year


def test_per_department_per_term_and_year(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        figures = teaching_load(world)
    rows = {row.scope: row for row in figures.rows}
    # Higher professional first, then secondary; by faculty and name within a level.
    assert list(rows) == ["Math", "Physics", "Pedagogy"]
    math = rows["Math"]
    assert [(t.term, t.planned, t.performed, t.difference) for t in math.terms] == [
        (1, 1000, 1000, 0),
        (2, 900, 1050, 150),
    ]
    assert (math.planned, math.performed, math.difference) == (1900, 2050, 150)
    assert math.performed_pct == Decimal("107.89")  # 2050 / 1900
    assert (math.level, math.faculty, math.reasons) == (HIGHER, "Engineering", ["foreign students"])
    pedagogy = rows["Pedagogy"]
    assert (pedagogy.planned, pedagogy.performed, pedagogy.difference) == (1500, 1380, -120)
    assert pedagogy.performed_pct == Decimal("92.00")
    # The same reason in both terms is said once.
    assert pedagogy.reasons == ["groups merged"]
    assert rows["Physics"].reasons == []
    assert rows["Physics"].performed_pct == Decimal("100.00")


def test_totals_per_level_and_university(world):
    figures = teaching_load(world)
    higher, secondary = figures.levels
    assert (higher.level, higher.planned, higher.performed, higher.difference) == (
        HIGHER,
        2800,
        2950,
        150,
    )
    assert [(t.planned, t.performed) for t in higher.terms] == [(1500, 1500), (1300, 1450)]
    assert (secondary.level, secondary.planned, secondary.performed) == (SECONDARY, 1500, 1380)
    university = figures.total
    assert (university.planned, university.performed, university.difference) == (4300, 4330, 30)
    assert university.performed_pct == Decimal("100.70")
    assert [(level.scope, [r.scope for r in rows]) for level, rows in figures.by_level] == [
        (higher.scope, ["Math", "Physics"]),
        (secondary.scope, ["Pedagogy"]),
    ]


def test_over_and_under(world):
    figures = teaching_load(world)
    assert [(r.scope, r.difference) for r in figures.over] == [("Math", 150)]
    assert [(r.scope, r.difference) for r in figures.under] == [("Pedagogy", -120)]


def test_the_seed_figures():
    # 547 203 planned and 551 233 performed: +4 030, 100.74 %.
    year = factories.academic_year(2023)
    department = factories.department()
    _load(department, year, 1, HIGHER, 300_000, 302_000)
    _load(department, year, 2, HIGHER, 247_203, 249_233)
    university = teaching_load(year).total
    assert (university.planned, university.performed, university.difference) == (
        547_203,
        551_233,
        4_030,
    )
    assert university.performed_pct == Decimal("100.74")


def test_an_empty_year():
    figures = teaching_load(factories.academic_year(2030))
    assert (figures.rows, figures.levels, figures.over, figures.under) == ([], [], [], [])
    assert (figures.total.planned, figures.total.performed_pct) == (0, Decimal("0.00"))


def test_the_number_of_queries_does_not_grow(world, django_assert_num_queries):
    for n in range(15):
        department = factories.department(name=f"Extra {n}")
        _load(department, world, 1, HIGHER, 100, 90 + n, "why")
    with django_assert_num_queries(2):
        figures = teaching_load(world)
    assert len(figures.rows) == 18
    assert figures.rows[0].as_dict()["planned_1"] is not None
