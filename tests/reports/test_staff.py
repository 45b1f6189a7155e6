"""Section 3, the teaching staff, against hand-computed cases: the splits by degree, title and
position, full-time and part-time, and the qualitative indicator by headcount and by FTE."""

from decimal import Decimal

import pytest

from academics.choices import (
    Degree,
    Employment,
    FacultyKind,
    LoadLevel,
    Position,
    Title,
)
from reports.staff import staff_by_department, staff_by_faculty, total
from tests import factories

pytestmark = pytest.mark.django_db

FT, PT = Employment.FULL_TIME, Employment.PART_TIME


def _member(department, degree, employment, rate, **kw):
    return factories.staff_member(
        department=department, degree=degree, employment=employment, rate=Decimal(rate), **kw
    )


@pytest.fixture
def world():
    """Faculty "A" (two departments): a doctor full-time 1.0, a candidate part-time 0.5, one
    without a degree full-time 1.0 — the brief's case: 2 / 3 = 66.67 % by headcount, 1.5 / 2.5 =
    60.00 % by FTE. The college: a PhD full-time 1.5 and one without a degree part-time 0.25.
    Faculty "B" has no staff."""
    a = factories.faculty(name="A")
    college = factories.faculty(name="College", kind=FacultyKind.COLLEGE)
    factories.faculty(name="B")
    a1 = factories.department(faculty=a, name="A1")
    a2 = factories.department(faculty=a, name="A2")
    c1 = factories.department(faculty=college, name="C1")
    _member(a1, Degree.DOCTOR, FT, "1.00", position=Position.PROFESSOR, title=Title.PROFESSOR)
    _member(a1, Degree.CANDIDATE, PT, "0.50", position=Position.DOCENT, title=Title.DOCENT)
    _member(a2, Degree.NONE, FT, "1.00", position=Position.LECTURER)
    _member(c1, Degree.PHD, FT, "1.50", position=Position.HEAD)
    _member(c1, Degree.NONE, PT, "0.25", position=Position.LECTURER)
    return {"a": a, "college": college, "a1": a1, "a2": a2, "c1": c1}


def _splits(splits):
    return [(s.full_time, s.part_time) for s in splits]


def test_a_faculty_by_degree_title_and_position(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = staff_by_faculty()
    rows = {row.scope: row for row in figures.rows}
    a = rows["A"]
    assert (a.headcount.total, a.headcount.full_time, a.headcount.part_time) == (3, 2, 1)
    # doctor, candidate, PhD, none
    assert _splits(a.degrees) == [(1, 0), (0, 1), (0, 0), (1, 0)]
    # professor, docent, none
    assert _splits(a.titles) == [(1, 0), (0, 1), (1, 0)]
    # head, professor, docent, senior lecturer, lecturer, assistant
    assert _splits(a.positions) == [(0, 0), (1, 0), (0, 1), (0, 0), (1, 0), (0, 0)]
    assert (a.degreed.full_time, a.degreed.part_time, a.degreed.total) == (1, 1, 2)
    assert (a.fte_full_time, a.fte_part_time, a.fte) == (
        Decimal("2.00"),
        Decimal("0.50"),
        Decimal("2.50"),
    )
    assert a.degreed_fte == Decimal("1.50")
    assert a.quality_pct == Decimal("66.67")
    assert a.quality_fte_pct == Decimal("60.00")


def test_the_faculties_then_the_college_then_levels_and_university(world):
    figures = staff_by_faculty()
    # Every faculty is listed, the one without staff too; the college comes last.
    assert [row.scope for row in figures.rows] == ["A", "B", "College"]
    b = figures.rows[1]
    assert (b.headcount.total, b.fte, b.quality_pct, b.quality_fte_pct) == (
        0,
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    college = figures.rows[2]
    assert college.quality_pct == Decimal("50.00")  # 1 of 2
    assert college.quality_fte_pct == Decimal("85.71")  # 1.50 of 1.75
    higher, secondary = figures.levels
    assert (higher.key, secondary.key) == (LoadLevel.HIGHER, LoadLevel.SECONDARY)
    assert (higher.headcount.total, secondary.headcount.total) == (3, 2)
    university = figures.total
    assert (university.headcount.full_time, university.headcount.part_time) == (3, 2)
    assert _splits(university.degrees) == [(1, 0), (0, 1), (1, 0), (1, 1)]
    assert university.fte == Decimal("4.25")
    assert university.degreed_fte == Decimal("3.00")
    # 3 of 5 by headcount; 3.00 of 4.25 by FTE: recomputed from the sums, not averaged.
    assert university.quality_pct == Decimal("60.00")
    assert university.quality_fte_pct == Decimal("70.59")


def test_per_department(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = {row.scope: row for row in staff_by_department()}
    assert list(rows) == ["A1", "A2", "C1"]
    assert (rows["A1"].headcount.total, rows["A1"].quality_pct) == (2, Decimal("100.00"))
    assert rows["A1"].fte == Decimal("1.50")
    assert (rows["A2"].headcount.total, rows["A2"].quality_pct) == (1, Decimal("0.00"))
    only_a = staff_by_department(world["a"])
    assert [row.scope for row in only_a] == ["A1", "A2"]
    assert total(only_a).quality_pct == Decimal("66.67")


def test_the_number_of_queries_does_not_grow_with_the_staff(world, django_assert_num_queries):
    for n in range(20):
        _member(world["a2"], Degree.CANDIDATE, PT if n % 2 else FT, "0.75")
    with django_assert_num_queries(1):
        figures = staff_by_faculty()
    assert figures.total.headcount.total == 25
    with django_assert_num_queries(1):
        staff_by_department()


def test_the_seed_indicator_by_headcount():
    # 194 of 482 hold a degree: 40.25 %, which the seed reports as 40.2 %.
    row = total([])
    row.counts = {"degree_doctor_full_time": 194, "degree_none_full_time": 288}
    assert row.headcount.total == 482
    assert row.quality_pct == Decimal("40.25")


def test_as_dict(world):
    data = staff_by_faculty().total.as_dict()
    assert data["headcount"] == 5
    assert data["degree_doctor_full_time"] == 1
    assert data["position_head_full_time"] == 1
    assert data["fte"] == "4.25"
    assert data["quality_pct"] == 60.0
