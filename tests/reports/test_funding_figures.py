"""The session figures by funding (budget / contract) count the funding each main admission keeps
for its session: a student who moves from budget to contract later leaves the earlier session's
figures as they were, in the report and in the dashboard's stored figures."""

import pytest

from academics.choices import Funding, StudyForm
from academics.models import Student
from reports.achievement import By, Stage, achievement, achievement_tables, university
from reports.dashboard.snapshots import session_figures
from sessions_app import services
from sessions_app.choices import Attempt
from sessions_app.models import ExamSession
from tests import factories

pytestmark = pytest.mark.django_db


def by_funding(session, stage=Stage.BEFORE):
    row = university(session, stage)
    return (row.contingent, row.budget, row.contract)


@pytest.fixture
def world():
    faculty = factories.faculty(name="Энергетика")
    group = factories.group(program=factories.program(faculty=faculty), name="ЭЭ-1-23")
    budget = [
        factories.student(group=group, full_name=f"Б{i}", funding=Funding.BUDGET) for i in range(3)
    ]
    contract = [
        factories.student(group=group, full_name=f"К{i}", funding=Funding.CONTRACT)
        for i in range(2)
    ]
    year = factories.academic_year(2023)
    winter = factories.exam_session(academic_year=year, term=1)
    summer = factories.exam_session(academic_year=year, term=2)
    for session in (winter, summer):
        factories.assessment(session=session, group=group)
    services.ensure_admissions(winter, group)
    return {
        "group": group,
        "budget": budget,
        "contract": contract,
        "winter": winter,
        "summer": summer,
    }


def test_an_earlier_sessions_contingent_by_funding_stays_when_the_students_funding_changes(
    world,
):
    w = world
    winter, summer, moved = w["winter"], w["summer"], w["budget"][0]
    assert by_funding(winter) == (5, 3, 2)

    # The student goes over to a contract from the summer session: their funding now, and the
    # summer session's admission (made with the student's funding of the day).
    moved.funding = Funding.CONTRACT
    moved.save()
    services.ensure_admissions(summer, w["group"])

    assert by_funding(summer) == (5, 2, 3)
    for stage in Stage.VALUES:
        assert by_funding(winter, stage) == (5, 3, 2)
    rows = achievement(winter, Stage.AFTER, by=By.GROUP)
    assert [(row.budget, row.contract) for row in rows] == [(3, 2)]
    tables = achievement_tables(winter, by=By.FACULTY)
    assert [(r.budget, r.contract) for r in tables[(Stage.BEFORE, StudyForm.DAY)]] == [(3, 2)]


def test_a_funding_set_on_the_admission_counts_whatever_the_students_funding(world):
    w = world
    winter, student = w["winter"], w["contract"][0]
    entry = services.AdmissionEntry(
        winter.pk, student.pk, Attempt.MAIN, True, funding=Funding.BUDGET
    )
    services.write_admissions([entry], None)
    assert Student.objects.get(pk=student.pk).funding == Funding.CONTRACT
    assert by_funding(winter) == (5, 4, 1)


def test_the_dashboards_stored_figures_follow_a_change_of_funding(world):
    w = world
    winter = ExamSession.objects.get(pk=w["winter"].pk)
    stored = session_figures([winter])[winter.pk][(Stage.BEFORE, StudyForm.DAY)]
    assert [(row.budget, row.contract) for row in stored] == [(3, 2)]

    entry = services.AdmissionEntry(
        winter.pk, w["budget"][0].pk, Attempt.MAIN, True, funding=Funding.CONTRACT
    )
    services.write_admissions([entry], None)

    winter = ExamSession.objects.get(pk=winter.pk)
    again = session_figures([winter])[winter.pk][(Stage.BEFORE, StudyForm.DAY)]
    assert [(row.budget, row.contract) for row in again] == [(2, 3)]
