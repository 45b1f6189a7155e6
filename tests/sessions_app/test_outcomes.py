"""The stored session outcomes (StudentOutcome) always equal what the grades add up to now:
after sheet saves before and after АКЖ, a cleared grade, and an import."""

import pytest

from sessions_app import outcomes
from sessions_app.choices import Attempt
from sessions_app.models import StudentOutcome
from tests import factories
from tests.reports.test_achievement import _sheet_save, world  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

COLUMNS = (
    "session_id",
    "student_id",
    "group_id",
    "ok_before",
    "absent_before",
    "low_before",
    "high_before",
    "ok_after",
    "absent_after",
    "low_after",
    "high_after",
)


def stored(session):
    return [
        tuple(row)
        for row in StudentOutcome.objects.filter(session=session)
        .order_by("student_id", "group_id")
        .values_list(*COLUMNS)
    ]


def test_the_stored_outcomes_are_the_grades_sum(world):  # noqa: F811
    session = world["session"]
    assert stored(session) == outcomes.computed(session.pk)
    rows = {row[1]: row for row in stored(session)}
    h = rows[world["students"]["H"].pk]  # 2, 2, fail; after АКЖ 2, 3, pass
    assert h[3:7] == (0, 0, None, None)
    assert h[7:] == (2, 0, "3", "3")
    g = rows[world["students"]["G"].pk]  # absent, 4, pass; after АКЖ 3, 4, pass
    assert g[3:7] == (2, 1, "4", "4")
    assert g[7:] == (3, 0, "3", "4")


def test_a_cleared_grade_is_followed(world):  # noqa: F811
    session, group = world["session"], world["group"]
    student = world["students"]["A"]
    exam = session.assessments.filter(group=group, kind="exam").order_by("pk").first()
    dean = factories.user(role="dean_office", faculty=group.program.faculty)
    _sheet_save(exam, Attempt.MAIN, {student.pk: ""}, dean)
    row = StudentOutcome.objects.get(session=session, student=student)
    assert row.ok_before == 2  # 5, 5, pass with the first 5 cleared
    assert stored(session) == outcomes.computed(session.pk)


def test_refresh_of_a_few_students_leaves_the_others(world):  # noqa: F811
    session = world["session"]
    before = stored(session)
    StudentOutcome.objects.filter(session=session).update(ok_before=99)
    some = [world["students"]["A"].pk, world["students"]["B"].pk]
    outcomes.refresh([session], some)
    after = {row[1]: row for row in stored(session)}
    assert all(after[pk] == next(r for r in before if r[1] == pk) for pk in some)
    assert all(row[3] == 99 for pk, row in after.items() if pk not in some)


def test_an_import_keeps_the_outcomes(world):  # noqa: F811
    from sessions_app.history_demo import build_history_rows
    from sessions_app.importer import import_rows
    from sessions_app.models import ExamSession

    year = factories.academic_year(2023)
    for n in range(6):
        factories.discipline(name=f"Сабак {n}")
    group = factories.group(academic_year=year, name="ПИ-1-23")
    for _ in range(12):
        factories.student(group=group)
    assert import_rows(build_history_rows(2022, 2)).ok
    session = ExamSession.objects.get(academic_year__start_year=2022, term=2)
    assert len(stored(session)) >= 12 and stored(session) == outcomes.computed(session.pk)
