"""The examiners' method (reports.examiners.method) on hand-computed data, Student's t
distribution against known values, and the method validated on planted data: a session where
two examiners grade a point higher and two a point lower than the same students' other grades,
among thirty fair ones."""

import math
import random

import pytest
from django.utils import timezone

from reports.examiners import method
from reports.examiners.method import Mark, Residual, flag_pairs, residuals
from reports.examiners.student_t import incomplete_beta, two_sided_p
from sessions_app.models import Grade
from tests import factories

# Student's t, two-sided: R's 2 * pt(-|t|, df) to the digits shown.
KNOWN_P = [
    (2.0, 10, 0.073388),
    (3.0, 20, 0.0070759),
    (0.0, 5, 1.0),
    (1.0, 1, 0.5),  # Cauchy: a quarter on each side beyond 1
    (-2.0, 10, 0.073388),  # two-sided: the sign does not matter
    (2.262157, 9, 0.05),  # the 97.5% quantile of t with 9 degrees of freedom
    (10.0, 30, 4.5753e-11),
]


@pytest.mark.parametrize(("t", "df", "expected"), KNOWN_P)
def test_the_two_sided_p_value_matches_known_values(t, df, expected):
    assert two_sided_p(t, df) == pytest.approx(expected, rel=1e-4)


def test_the_incomplete_beta_meets_its_closed_forms():
    # I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 - (1 - x)^b; I_x(a, b) = 1 - I_1-x(b, a).
    for x in (0.01, 0.3, 0.5, 0.77, 0.999):
        assert incomplete_beta(1, 1, x) == pytest.approx(x, rel=1e-12)
        assert incomplete_beta(3.5, 1, x) == pytest.approx(x**3.5, rel=1e-10)
        assert incomplete_beta(1, 4, x) == pytest.approx(1 - (1 - x) ** 4, rel=1e-10)
        assert incomplete_beta(2.5, 7, x) == pytest.approx(
            1 - incomplete_beta(7, 2.5, 1 - x), abs=1e-12
        )
    assert incomplete_beta(2, 3, 0) == 0 and incomplete_beta(2, 3, 1) == 1


def _mark(student, assessment, value, examiner=None, discipline=None):
    return Mark(student, assessment, examiner, discipline or assessment, value)


def test_a_residual_is_the_grade_less_the_mean_of_the_students_other_marks():
    marks = [
        # Student 1: 5, 4 and 3 in assessments 10, 20, 30 by examiners 100, 200, 300.
        _mark(1, 10, 5, 100),
        _mark(1, 20, 4, 200),
        _mark(1, 30, 3, 300),
        # Student 2: four marks; assessment 40 has no examiner (it still counts as "other").
        _mark(2, 10, 2, 100),
        _mark(2, 20, 5, 200),
        _mark(2, 30, 5, 300),
        _mark(2, 40, 4),
    ]
    found = residuals(marks)
    assert set(found) == {(100, 10), (200, 20), (300, 30)}
    by_student = {r[0]: Residual(*r) for r in found[(100, 10)]}
    # 5 − (4 + 3) / 2 and 2 − (5 + 5 + 4) / 3: the grade itself is left out of the expected.
    assert by_student[1].expected == pytest.approx(3.5)
    assert by_student[1].given - by_student[1].expected == pytest.approx(1.5)
    assert by_student[2].expected == pytest.approx(14 / 3)
    assert by_student[2].given - by_student[2].expected == pytest.approx(2 - 14 / 3)
    assert [given - expected for _s, _a, given, expected in found[(300, 30)]] == pytest.approx(
        [3 - 4.5, 5 - 11 / 3]
    )


def test_a_student_with_fewer_than_two_other_marks_is_left_out():
    marks = [
        _mark(1, 10, 5, 100),
        _mark(1, 20, 3, 200),  # student 1 has one other mark for each: left out
        _mark(2, 10, 4, 100),
        _mark(2, 20, 4, 200),
        _mark(2, 30, 2, 300),
    ]
    found = residuals(marks)
    assert [r[0] for r in found[(100, 10)]] == [2]
    assert [r[0] for r in found[(200, 20)]] == [2]


def test_absent_credits_retakes_and_blanks_are_not_marks(world_session):
    session, students, assessments = world_session
    exam, other, third, credit = assessments
    now = timezone.now()
    first = students[0]
    Grade.objects.bulk_create(
        [
            Grade(assessment=exam, student=first, attempt="main", value="5", entered_at=now),
            Grade(assessment=other, student=first, attempt="main", value="3", entered_at=now),
            Grade(assessment=third, student=first, attempt="main", value="absent", entered_at=now),
            Grade(assessment=credit, student=first, attempt="main", value="pass", entered_at=now),
            Grade(assessment=third, student=first, attempt="retake", value="4", entered_at=now),
        ]
    )
    marks = method.read_marks(session)
    assert sorted(Mark(*mark).value for mark in marks) == [3, 5]
    # Two marks: each has one other, so nothing is tested.
    assert residuals(marks) == {}


def _pair(values, given=4):
    """Residuals of the given values (the expected grade is chosen to make them)."""
    return [Residual(n, n, given, given - value) for n, value in enumerate(values)]


# Fifteen residuals of mean 0.6 and p ≈ 0.0034: below 0.01, above 0.01 / 10.
NOTABLE = [0.6 + 0.66] * 7 + [0.6 - 0.66] * 7 + [0.6]


def test_a_pair_needs_fifteen_residuals_to_be_tested():
    results = flag_pairs({(1, 1): _pair(NOTABLE[:14]), (2, 2): _pair(NOTABLE)})
    assert [(r.examiner_id, r.students) for r in results] == [(2, 15)]
    assert results[0].flagged


def test_bonferroni_divides_the_threshold_by_the_pairs_tested():
    difference, p_value = method.one_sample_t(NOTABLE)
    assert difference == pytest.approx(0.6)
    assert 0.01 / 10 < p_value < 0.01
    alone = flag_pairs({(1, 1): _pair(NOTABLE)})
    assert alone[0].flagged
    fair = {(n, n): _pair([0.1, -0.1] * 8) for n in range(2, 11)}
    among_ten = flag_pairs({(1, 1): _pair(NOTABLE), **fair})
    assert len(among_ten) == 10
    assert not any(result.flagged for result in among_ten)


def test_a_small_difference_is_not_flagged_however_sure():
    results = flag_pairs({(1, 1): _pair([0.3, 0.31, 0.29] * 10)})
    assert results[0].p_value < 1e-10
    assert not results[0].flagged
    results = flag_pairs({(1, 1): _pair([-0.5, -0.51, -0.49] * 10)})
    assert results[0].flagged


def test_the_means_given_and_expected_differ_by_the_difference():
    results = flag_pairs({(1, 1): _pair(NOTABLE, given=5)})
    result = results[0]
    assert result.mean_given == 5
    assert result.mean_expected == pytest.approx(5 - 0.6)
    assert result.difference == pytest.approx(result.mean_given - result.mean_expected)


@pytest.fixture
def world_session(db):
    session = factories.exam_session()
    group = factories.group(academic_year=session.academic_year)
    students = [factories.student(group=group) for _ in range(3)]
    assessments = [factories.assessment(session=session, group=group) for _ in range(3)]
    assessments.append(factories.assessment(session=session, group=group, kind="credit"))
    return session, students, assessments


# The planted session: 34 examiners, one discipline each; four groups of 25 students, each group
# sitting the exams of about a quarter of the disciplines. A student's grades are their ability
# plus noise, rounded and kept within 2..5; a planted examiner adds or takes a point.
PLANTED = {0: 1, 1: 1, 2: -1, 3: -1}
EXAMINERS, GROUPS, STUDENTS = 34, 4, 25


def planted_session(shifts, term=2, seed=18):
    """A session graded as above, with `shifts` ({examiner index: points}); returns the session
    and its examiners in order."""
    rng = random.Random(seed)
    session = factories.exam_session(term=term)
    department = factories.department()
    examiners = [
        factories.staff_member(department=department, full_name=f"Окутуучу {n:02d}")
        for n in range(EXAMINERS)
    ]
    disciplines = [factories.discipline(name=f"Сабак {n:02d}") for n in range(EXAMINERS)]
    grades, now = [], timezone.now()
    for g in range(GROUPS):
        group = factories.group(academic_year=session.academic_year)
        students = [factories.student(group=group) for _ in range(STUDENTS)]
        ability = {student.pk: rng.gauss(3.6, 0.45) for student in students}
        for n in range(g, EXAMINERS, GROUPS):
            assessment = factories.assessment(
                session=session, group=group, discipline=disciplines[n], examiner=examiners[n]
            )
            for student in students:
                raw = ability[student.pk] + rng.gauss(0, 0.45) + shifts.get(n, 0)
                value = min(5, max(2, math.floor(raw + 0.5)))
                grades.append(
                    Grade(
                        assessment=assessment,
                        student=student,
                        attempt="main",
                        value=str(value),
                        entered_at=now,
                    )
                )
    Grade.objects.bulk_create(grades)
    return session, examiners


@pytest.mark.django_db
def test_exactly_the_four_planted_examiners_are_flagged():
    session, examiners = planted_session(PLANTED)
    analysis = method.analyse(session)
    assert analysis.tested == EXAMINERS
    flagged = {result.examiner: result for result in analysis.results if result.flagged}
    assert set(flagged) == {examiners[n].full_name for n in PLANTED}
    for n, shift in PLANTED.items():
        assert math.copysign(1, flagged[examiners[n].full_name].difference) == shift
    # Flagged first.
    assert [result.flagged for result in analysis.results[:4]] == [True] * 4


@pytest.mark.django_db
def test_a_session_with_no_planted_examiner_flags_none():
    session, _examiners = planted_session({})
    analysis = method.analyse(session)
    assert analysis.tested == EXAMINERS
    assert not [result for result in analysis.results if result.flagged]


@pytest.mark.django_db
def test_the_analysis_reads_a_bounded_number_of_queries(django_assert_max_num_queries):
    session, _examiners = planted_session(PLANTED)
    with django_assert_max_num_queries(3):
        method.analyse(session)
