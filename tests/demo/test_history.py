"""The demo's earlier sessions: which they are, and that their rows import into figures for every
demo student, the same ones each time."""

import pytest

from demo.history import build_history_rows, history_sessions
from demo.university import START_YEAR
from reports.achievement import Stage, university
from sessions_app.importer import import_rows
from sessions_app.models import ExamSession
from tests import factories

pytestmark = pytest.mark.django_db


def test_history_sessions_make_whole_years_ending_with_the_demo_session():
    assert history_sessions(1) == [(START_YEAR, 1)]
    assert history_sessions(2) == [(START_YEAR - 1, 1), (START_YEAR - 1, 2), (START_YEAR, 1)]
    assert len(history_sessions(5)) == 9  # with the demo session: ten, two a year


def test_a_history_session_imports_with_every_student_in_its_contingent():
    year = factories.academic_year(START_YEAR)
    for n in range(6):
        factories.discipline(name=f"Сабак {n}")
    group = factories.group(academic_year=year, name="ПИ-1-23")
    students = [factories.student(group=group) for _ in range(40)]
    rows = build_history_rows(START_YEAR - 1, 2)
    assert rows == build_history_rows(START_YEAR - 1, 2)  # the same draw every time
    result = import_rows(rows)
    assert result.ok, result.errors[:3]
    session = ExamSession.objects.get(academic_year__start_year=START_YEAR - 1, term=2)
    before, after = university(session, Stage.BEFORE), university(session, Stage.AFTER)
    assert before.contingent == len(students)
    assert 0 < before.passed <= after.passed <= before.contingent
    # The students stay in their current group: an earlier session does not move them back.
    assert {
        s.group_id for s in type(students[0]).objects.filter(pk__in=[s.pk for s in students])
    } == {group.pk}
