"""The demo's council resolutions: `manage.py demo_admin` adopts the seed's resolution on the demo
year's winter session with its items assigned and executed to every status as of today, through
the execution services as the demo's users, and leaves a draft on the summer session; a second
run adds nothing and changes nothing its users did."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo import execution as demo_execution
from demo.management.commands import demo_admin as admin_command
from demo.university import DEPARTMENTS, FACULTIES, START_YEAR
from portal import uploads
from reports.execution import services as execution
from reports.execution.models import (
    OVERDUE,
    STATUS_ORDER,
    Assignment,
    AssignmentEvent,
    AssignmentStatus,
    EventKind,
    ExecutionReport,
    ReportAttachment,
    ReportState,
    UnitKind,
)
from reports.resolutions.models import Resolution, ResolutionStatus
from reports.resolutions.services import DEFAULT_ITEMS, create_resolution
from sessions_app.models import ExamSession
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 9, 1)


def small_demo():
    """The demo's two faculties whose dean's offices have demo users, with their departments as
    the demo names them, and the demo year's two sessions (no students: the execution needs
    none)."""
    faculties = {}
    for code, name, short, kind in FACULTIES:
        if code in demo_execution.DEAN_OFFICES:
            faculties[code] = factories.faculty(code=code, name=name, short_name=short, kind=kind)
    for code, short, name, kind in DEPARTMENTS:
        if code in faculties:
            factories.department(faculty=faculties[code], short_name=short, name=name, kind=kind)
    year = factories.academic_year(START_YEAR)
    factories.exam_session(academic_year=year, term=1)
    factories.exam_session(academic_year=year, term=2)


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    small_demo()
    out = StringIO()
    call_command("demo_admin", stdout=out)
    return out.getvalue()


def adopted():
    return Resolution.objects.get(status=ResolutionStatus.ADOPTED)


def test_the_seeds_resolution_is_adopted_on_the_winter_session_by_the_vice_rector(demo):
    resolution = adopted()
    assert (resolution.session.academic_year.start_year, resolution.session.term) == (
        START_YEAR,
        1,
    )
    assert resolution.adopted_by.username == "prorektor"
    texts = list(resolution.items.order_by("order").values_list("text", "text_ru"))
    assert texts == [(item[0], item[3]) for item in DEFAULT_ITEMS]
    assert resolution.reporter_position_ru and resolution.controller_ru
    assert resolution.chair_name and resolution.secretary_position_ru
    assert resolution.assignments.count() == len(DEFAULT_ITEMS)
    assert str(resolution.session) in demo


def test_every_shown_status_is_there_as_of_today(demo):
    today = timezone.localdate()
    shown = execution.counts(adopted().assignments.all(), today)
    assert all(shown[status] >= 1 for status in STATUS_ORDER), shown
    cancelled = Assignment.objects.get(status=AssignmentStatus.CANCELLED)
    assert cancelled.cancel_reason
    done = Assignment.objects.get(status=AssignmentStatus.DONE)
    assert all(part.done and part.progress == 100 for part in done.responsibles.all())


def test_the_spread_is_counted_from_the_day_the_demo_is_loaded(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    small_demo()
    # The demo's users only, then the resolutions as if loaded five years later.
    monkeypatch.setattr(admin_command, "seed_execution_demo", demo_execution.Seeded)
    call_command("demo_admin", stdout=StringIO())
    later = TODAY.replace(year=TODAY.year + 5)
    demo_execution.seed_execution_demo(today=later)
    shown = execution.counts(adopted().assignments.all(), later)
    assert all(shown[status] == 1 for status in STATUS_ORDER), shown


def test_the_deadlines_spread_around_today(demo):
    today = timezone.localdate()
    open_items = Assignment.objects.filter(execution.open_q(today))
    assert any(a.shown_status(today) == OVERDUE for a in open_items)
    soon = Assignment.objects.filter(
        execution.open_q(today, execution.REMIND_WITHIN_DAYS), deadline__gte=today
    )
    assert soon.exists()
    later = today + datetime.timedelta(days=execution.REMIND_WITHIN_DAYS)
    assert Assignment.objects.filter(execution.open_q(today), deadline__gt=later).exists()


def test_reports_in_every_state_written_by_the_demos_dean_offices(demo):
    states = set(ExecutionReport.objects.values_list("state", flat=True))
    assert states == set(ReportState.values)
    returned = ExecutionReport.objects.filter(state=ReportState.RETURNED)
    assert all(report.review_comment for report in returned)
    authors = set(ExecutionReport.objects.values_list("submitted_by__username", flat=True))
    assert authors == {"dekanat.itbf", "dekanat.ebf", "okuu.bolumu"}
    reviewers = set(
        ExecutionReport.objects.exclude(state=ReportState.SUBMITTED).values_list(
            "reviewed_by__username", flat=True
        )
    )
    assert reviewers == {"prorektor"}
    # Each report's author reports on that part: the one writer's check held.
    for report in ExecutionReport.objects.select_related("responsible", "submitted_by"):
        assert execution.can_report(report.submitted_by, report.responsible)
    # The history holds every step, as the pages show it.
    kinds = set(AssignmentEvent.objects.values_list("kind", flat=True))
    assert {EventKind.REPORTED, EventKind.ACCEPTED, EventKind.RETURNED} <= kinds
    assert EventKind.CANCELLED in kinds


def test_the_responsibles_are_those_the_demo_can_log_in_for(demo):
    for assignment in adopted().assignments.exclude(status=AssignmentStatus.NOT_STARTED):
        for part in assignment.responsibles.all():
            assert execution.responsible_users(part).exists(), part
    kinds = set(adopted().assignments.values_list("responsibles__kind", flat=True))
    assert kinds == set(UnitKind.values)


def test_a_report_carries_a_pdf_that_passes_the_upload_check(demo, tmp_path):
    attachment = ReportAttachment.objects.get()
    content = (tmp_path / attachment.file.name).read_bytes()
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    assert attachment.content_type == uploads.check_attachment(attachment.file.open("rb"))
    assert attachment.size == len(content)


def test_the_pdf_cross_reference_points_at_its_objects():
    content = demo_execution.pdf(["a (line)", "b"])
    start = int(content.rsplit(b"startxref\n", 1)[1].split()[0])
    assert content[start:].startswith(b"xref")
    offsets = [int(line[:10]) for line in content[start:].splitlines()[3:8]]
    for number, offset in enumerate(offsets, start=1):
        assert content[offset:].startswith(f"{number} 0 obj".encode())


def test_a_draft_waits_on_the_latest_session(demo):
    draft = Resolution.objects.get(status=ResolutionStatus.DRAFT)
    assert (draft.session.academic_year.start_year, draft.session.term) == (START_YEAR, 2)
    assert draft.council_date > adopted().council_date
    assert draft.items.count() == len(DEFAULT_ITEMS)
    assert not Assignment.objects.filter(resolution=draft).exists()


def rows():
    models = (Resolution, Assignment, ExecutionReport, ReportAttachment, AssignmentEvent)
    return {model: list(model.objects.order_by("pk").values_list()) for model in models}


def test_running_again_adds_nothing_and_keeps_what_users_did(demo):
    waiting = ExecutionReport.objects.get(state=ReportState.SUBMITTED)
    vice_rector = adopted().adopted_by
    execution.review_report(waiting, vice_rector, accept=False, comment="Актыны тиркегиле.")
    before = rows()
    out = StringIO()
    call_command("demo_admin", stdout=out)
    assert rows() == before
    assert "prorektor" not in out.getvalue()  # no user made, no resolution announced
    waiting.refresh_from_db()
    assert waiting.state == ReportState.RETURNED


def test_nothing_is_made_without_the_demo_sessions(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_admin", stdout=StringIO())
    assert demo_execution.seed_execution_demo().adopted is None
    assert not Resolution.objects.exists()


def test_a_draft_users_deleted_is_not_made_again(demo):
    Resolution.objects.filter(status=ResolutionStatus.DRAFT).delete()
    call_command("demo_admin", stdout=StringIO())
    assert not Resolution.objects.filter(status=ResolutionStatus.DRAFT).exists()


def test_a_resolution_users_made_first_stops_the_demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    small_demo()
    session = ExamSession.objects.get(term=2)
    create_resolution({**demo_execution.PEOPLE, "session": session, "council_date": TODAY})
    call_command("demo_admin", stdout=StringIO())
    assert Resolution.objects.count() == 1
    assert not Assignment.objects.exists()
