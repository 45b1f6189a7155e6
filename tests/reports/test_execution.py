"""The execution of the council's resolution (reports.execution): items become assignments at
adoption, deadlines resolved from the council's words, who sees and reports on what, the review,
the derived status, the version check and the item's history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.execution import deadlines
from reports.execution import services as execution
from reports.execution.models import (
    OVERDUE,
    Assignment,
    AssignmentStatus,
    DeadlineKind,
    EventKind,
    ReportState,
    UnitKind,
)
from reports.resolutions import services as resolutions
from tests import factories
from tests.reports.test_resolution import COUNCIL_DATE, build_world, new_resolution

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world():
    return build_world()


def adopted(world, people, plan_for=None):
    resolution = new_resolution(world["session"])
    items = list(resolution.items.all())
    plans = {}
    for item in items:
        plans[item.pk] = (plan_for or {}).get(item.order) or execution.Plan(
            DeadlineKind.DATE,
            COUNCIL_DATE + datetime.timedelta(days=30),
            faculties=[people["faculty"]],
        )
    return resolutions.adopt(resolution, people["vice_rector"], plans)


def first(resolution):
    return resolution.assignments.order_by("item__order").first()


# --- Deadlines ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("окуу жылынын аягына чейин", DeadlineKind.YEAR_END),
        ("до конца учебного года", DeadlineKind.YEAR_END),
        ("МАКтын жадыбалы боюнча", DeadlineKind.STATE_ATTESTATION),
        ("по графику ГАК", DeadlineKind.STATE_ATTESTATION),
        ("окуу процессинин графиги боюнча", DeadlineKind.CALENDAR),
        ("по графику учебного процесса", DeadlineKind.CALENDAR),
        ("кышкы сессиянын жадыбалы боюнча", DeadlineKind.SESSION),
        ("максатына жараша", DeadlineKind.YEAR_END),  # "мак" inside a word is not МАК
        ("", DeadlineKind.YEAR_END),
    ],
)
def test_the_councils_deadline_words_are_recognised(text, kind):
    assert deadlines.recognise(text) == (kind, None)


def test_a_written_date_is_a_date():
    expected = (DeadlineKind.DATE, datetime.date(2025, 3, 15))
    assert deadlines.recognise("15.03.2025 чейин") == expected


def test_relative_deadlines_resolve_in_the_academic_year_of_the_council():
    autumn, spring = datetime.date(2024, 9, 20), datetime.date(2025, 2, 10)
    assert deadlines.resolve(DeadlineKind.YEAR_END, autumn) == datetime.date(2025, 6, 30)
    assert deadlines.resolve(DeadlineKind.YEAR_END, spring) == datetime.date(2025, 6, 30)
    assert deadlines.resolve(DeadlineKind.STATE_ATTESTATION, autumn) == datetime.date(2025, 6, 25)
    # The academic calendar: the end of the term in progress.
    assert deadlines.resolve(DeadlineKind.CALENDAR, autumn) == datetime.date(2025, 1, 31)
    assert deadlines.resolve(DeadlineKind.CALENDAR, spring) == datetime.date(2025, 6, 30)


def test_the_session_deadline_is_the_next_sessions_end():
    factories.exam_session(
        main_start=datetime.date(2025, 1, 6),
        main_end=datetime.date(2025, 1, 25),
        retake_end=datetime.date(2025, 2, 5),
    )
    assert deadlines.resolve(DeadlineKind.SESSION, datetime.date(2024, 11, 1)) == datetime.date(
        2025, 2, 5
    )


def test_the_settings_move_the_calendar(settings):
    settings.PORTAL_ACADEMIC_YEAR_END = "07-15"
    assert deadlines.resolve(DeadlineKind.YEAR_END, datetime.date(2024, 9, 1)) == datetime.date(
        2025, 7, 15
    )


# --- Adoption makes the assignments ---------------------------------------------------------------


def test_adopting_makes_every_item_an_assignment(world, people):
    resolution = adopted(world, people)
    assert resolution.assignments.count() == resolution.items.count() == 5
    assignment = first(resolution)
    assert assignment.status == AssignmentStatus.NOT_STARTED
    assert [r.faculty for r in assignment.responsibles.all()] == [people["faculty"]]
    assert assignment.events.get().kind == EventKind.ASSIGNED


def test_without_a_plan_the_items_words_are_guessed(world, people):
    resolution = new_resolution(world["session"])
    resolutions.adopt(resolution, people["vice_rector"])
    third = resolution.assignments.get(item__order=3)  # "…декандар, ГТКнын директору, ОБ"
    assert third.deadline_kind == DeadlineKind.STATE_ATTESTATION
    kinds = set(third.responsibles.values_list("kind", flat=True))
    assert {UnitKind.FACULTY, UnitKind.USER} <= kinds
    assert third.responsibles.filter(user=people["academic"]).exists()
    first_item = resolution.assignments.get(item__order=1)  # "окуу жылынын аягына чейин"
    assert first_item.deadline_kind == DeadlineKind.YEAR_END
    assert first_item.deadline == deadlines.year_end(COUNCIL_DATE)


# --- Who sees and reports -------------------------------------------------------------------------


def test_a_dean_office_sees_and_reports_only_on_items_naming_its_faculty(world, people):
    plans = {
        1: execution.Plan(DeadlineKind.YEAR_END, faculties=[people["other"]]),
    }
    resolution = adopted(world, people, plans)
    other_item = resolution.assignments.get(item__order=1)
    visible = set(execution.visible(people["dean"]))
    assert other_item not in visible
    assert len(visible) == 4
    assert other_item in set(execution.visible(people["other_dean"]))
    assert set(execution.visible(people["academic"])) == set(resolution.assignments.all())
    part = other_item.responsibles.get()
    with pytest.raises(PermissionDenied):
        execution.submit_report(part, people["dean"], "done", 100)


def test_a_department_part_is_reported_by_its_faculty_dean_office(world, people):
    department = factories.department(faculty=people["faculty"])
    plans = {1: execution.Plan(DeadlineKind.YEAR_END, departments=[department])}
    resolution = adopted(world, people, plans)
    part = resolution.assignments.get(item__order=1).responsibles.get()
    assert execution.can_report(people["dean"], part)
    assert not execution.can_report(people["other_dean"], part)


# --- Reports, review and status -------------------------------------------------------------------


def test_reporting_then_acceptance_drives_the_status(world, people):
    department = factories.department(faculty=people["other"])
    plans = {
        1: execution.Plan(
            DeadlineKind.YEAR_END, faculties=[people["faculty"]], departments=[department]
        )
    }
    resolution = adopted(world, people, plans)
    assignment = resolution.assignments.get(item__order=1)
    ours = assignment.responsibles.get(kind=UnitKind.FACULTY)
    theirs = assignment.responsibles.get(kind=UnitKind.DEPARTMENT)

    report = execution.submit_report(ours, people["dean"], "Лабораториялар жабдылды", 100)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.IN_PROGRESS
    execution.review_report(report, people["vice_rector"], accept=True)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.IN_PROGRESS  # the department has not reported
    ours.refresh_from_db()
    assert ours.done and ours.progress == 100

    other = execution.submit_report(theirs, people["other_dean"], "Бир бөлүгү", 60)
    with pytest.raises(ValidationError):
        execution.review_report(other, people["vice_rector"], accept=False)  # no comment
    execution.review_report(other, people["vice_rector"], accept=False, comment="Далил жок")
    other.refresh_from_db()
    assert other.state == ReportState.RETURNED
    final = execution.submit_report(theirs, people["other_dean"], "Баары бүттү", 100)
    execution.review_report(final, people["vice_rector"], accept=True)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DONE
    kinds = list(assignment.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == [
        EventKind.ASSIGNED,
        EventKind.REPORTED,
        EventKind.ACCEPTED,
        EventKind.REPORTED,
        EventKind.RETURNED,
        EventKind.REPORTED,
        EventKind.ACCEPTED,
    ]


def test_a_dean_office_cannot_review_and_a_pending_report_blocks_another(world, people):
    resolution = adopted(world, people)
    part = first(resolution).responsibles.get()
    report = execution.submit_report(part, people["dean"], "Жарым-жартылай", 40)
    with pytest.raises(PermissionDenied):
        execution.review_report(report, people["dean"], accept=True)
    with pytest.raises(ValidationError):
        execution.submit_report(part, people["dean"], "Дагы", 50)


def test_overdue_is_derived_from_the_deadline(world, people):
    resolution = adopted(world, people)
    assignment = first(resolution)
    after = assignment.deadline + datetime.timedelta(days=1)
    assert assignment.shown_status(assignment.deadline) == AssignmentStatus.NOT_STARTED
    assert assignment.shown_status(after) == OVERDUE
    execution.cancel(assignment, people["vice_rector"], "Керексиз болуп калды", assignment.version)
    assignment.refresh_from_db()
    assert assignment.shown_status(after) == AssignmentStatus.CANCELLED
    assert assignment.cancel_reason == "Керексиз болуп калды"


def test_cancelling_needs_a_reason_and_the_office(world, people):
    assignment = first(adopted(world, people))
    with pytest.raises(ValidationError):
        execution.cancel(assignment, people["vice_rector"], " ", assignment.version)
    with pytest.raises(PermissionDenied):
        execution.cancel(assignment, people["dean"], "Себеп", assignment.version)
    execution.cancel(assignment, people["vice_rector"], "Себеп", assignment.version)
    assignment.refresh_from_db()
    execution.restore(assignment, people["vice_rector"], assignment.version)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.NOT_STARTED and not assignment.cancel_reason


def test_a_form_read_at_an_older_version_is_refused(world, people):
    assignment = first(adopted(world, people))
    stale = assignment.version
    part = assignment.responsibles.get()
    execution.submit_report(part, people["dean"], "Иш башталды", 10, version=stale)
    with pytest.raises(execution.StaleAssignment):
        execution.cancel(assignment, people["vice_rector"], "Себеп", stale)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.IN_PROGRESS


def test_reassigning_keeps_the_history_and_resolves_the_new_deadline(world, people):
    assignment = first(adopted(world, people))
    plan = execution.Plan(DeadlineKind.STATE_ATTESTATION, faculties=[people["other"]])
    execution.reassign(assignment, people["vice_rector"], plan, assignment.version)
    assignment.refresh_from_db()
    assert assignment.deadline == deadlines.state_attestation_end(COUNCIL_DATE)
    assert [r.faculty for r in assignment.responsibles.all()] == [people["other"]]
    event = assignment.events.filter(kind=EventKind.REASSIGNED).get()
    assert people["faculty"].name in event.details and people["other"].name in event.details


def test_a_part_that_reported_cannot_be_removed(world, people):
    assignment = first(adopted(world, people))
    execution.submit_report(assignment.responsibles.get(), people["dean"], "Иш", 10)
    plan = execution.Plan(DeadlineKind.YEAR_END, faculties=[people["other"]])
    with pytest.raises(ValidationError):
        execution.reassign(assignment, people["vice_rector"], plan, assignment.version + 1)
    assert assignment.responsibles.get().faculty == people["faculty"]


# --- Attachments ----------------------------------------------------------------------------------


def test_attachments_pass_the_upload_check(world, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    part = first(adopted(world, people)).responsibles.get()
    pdf = SimpleUploadedFile("акт.pdf", PDF)
    report = execution.submit_report(part, people["dean"], "Акт тиркелди", 100, [pdf])
    attachment = report.attachments.get()
    assert attachment.name == "акт.pdf" and attachment.content_type == "application/pdf"
    assert (tmp_path / attachment.file.name).read_bytes() == PDF
    assert "акт" not in attachment.file.name  # stored under a random name


def test_a_file_that_is_not_evidence_is_refused_whole(world, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assignment = first(adopted(world, people))
    part = assignment.responsibles.get()
    script = SimpleUploadedFile("report.pdf", b"#!/bin/sh\nrm -rf /\n")
    with pytest.raises(ValidationError) as refused:
        execution.submit_report(part, people["dean"], "Иш", 50, [script])
    assert "report.pdf" in " ".join(refused.value.messages)
    assert not part.reports.exists()
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.NOT_STARTED


# --- The lists ------------------------------------------------------------------------------------


def test_overdue_first_and_the_due_list(world, people):
    plans = {
        1: execution.Plan(
            DeadlineKind.DATE,
            COUNCIL_DATE + datetime.timedelta(days=5),
            faculties=[people["faculty"]],
        ),
        2: execution.Plan(
            DeadlineKind.DATE,
            COUNCIL_DATE + datetime.timedelta(days=60),
            faculties=[people["faculty"]],
        ),
        3: execution.Plan(
            DeadlineKind.DATE,
            COUNCIL_DATE + datetime.timedelta(days=20),
            faculties=[people["faculty"]],
        ),
    }
    resolution = adopted(world, people, plans)
    today = COUNCIL_DATE + datetime.timedelta(days=10)
    rows = execution.ordered(resolution.assignments.all(), today)
    assert rows[0].item.order == 1 and rows[0].shown_status(today) == OVERDUE
    due = execution.due_for(people["dean"], today)
    # Overdue (5 days) and due within 14 days (20 days from the council); not the 60-day one
    # nor the 30-day default ones.
    assert [a.item.order for a in due] == [1, 3]
    assert execution.due_for(people["other_dean"], today) == []
    counts = execution.counts(resolution.assignments.all(), today)
    assert counts[OVERDUE] == 1 and counts[AssignmentStatus.NOT_STARTED] == 4
