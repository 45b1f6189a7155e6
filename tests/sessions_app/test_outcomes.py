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
    from demo.history import build_history_rows
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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sheets_of_a_group_saved_at_once_keep_every_outcome(monkeypatch):
    """Two dean's offices save two exams of one group at the same moment. The first has refreshed
    its students' outcomes but not committed when the second saves: the second must wait for it
    (the sheet lock also locks the session's row) and then count both exams, not fail or count
    only its own."""
    import threading

    from django.db import connection

    from sessions_app import services

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time: nothing to interleave")
    session = factories.exam_session()
    group = factories.group()
    students = [factories.student(group=group) for _ in range(3)]
    exams = [factories.assessment(session=session, group=group) for _ in range(2)]
    services.ensure_admissions(session, group)

    refreshed, release = threading.Event(), threading.Event()
    original = outcomes.refresh

    def refresh_then_wait(session_ids, student_ids=None):
        original(session_ids, student_ids)
        if threading.current_thread().name == "first":
            refreshed.set()
            release.wait(10)

    monkeypatch.setattr(outcomes, "refresh", refresh_then_wait)
    errors = []

    def save(exam):
        try:
            sheet = services.open_sheet(exam, Attempt.MAIN)
            services.record_grades(sheet, {s.pk: "5" for s in students}, None, sheet.version)
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=save, args=(exams[0],), name="first")
    second = threading.Thread(target=save, args=(exams[1],), name="second")
    first.start()
    assert refreshed.wait(10)
    second.start()
    second.join(1)  # it waits for the first's commit
    assert second.is_alive()
    release.set()
    first.join(10)
    second.join(10)
    assert errors == []
    assert stored(session) == outcomes.computed(session.pk)
    assert [row[3] for row in stored(session)] == [2, 2, 2]
