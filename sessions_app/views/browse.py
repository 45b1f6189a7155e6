"""Browsing the exam sessions: the sessions, the groups of a session, one group's assessments.

Every page sees only the user's faculty: the rows come from academics.querysets, so a group of
another faculty is neither listed nor found (404).
"""

from dataclasses import dataclass, field
from itertools import groupby

from django.contrib.auth.decorators import permission_required
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render

from academics.choices import StudentStatus
from academics.models import Faculty, Student, StudyGroup
from academics.querysets import user_faculty_id
from portal.tables import configure, export_response

from .. import importer, services
from ..choices import Attempt, SheetStatus
from ..filtersets import GroupFilterSet
from ..forms import change_labels
from ..models import (
    Admission,
    AdmissionChange,
    Assessment,
    ExamSession,
    Grade,
    GradeChange,
    GradeSheet,
    SheetEvent,
)
from ..tables import (
    AdmissionChangeTable,
    AssessmentProgressTable,
    GradeChangeTable,
    SessionTable,
    SheetEventTable,
)

# Readers and dean's offices all hold it (academics.roles); a user with no role sees nothing.
can_browse = permission_required("sessions_app.view_examsession", raise_exception=True)


def _count(queryset, outer_field, outer_ref="pk"):
    """The number of rows of `queryset` whose `outer_field` is the outer row's `outer_ref`."""
    return Coalesce(
        Subquery(
            queryset.filter(**{outer_field: OuterRef(outer_ref)})
            .order_by()
            .values(outer_field)
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def sessions_with_sheet_counts(user):
    """The exam sessions, newest first, each with its assessments and sheets by status, counted in
    the user's faculty only. One query."""
    assessments = Assessment.objects.for_user(user)
    sheets = GradeSheet.objects.for_user(user)
    return ExamSession.objects.select_related("academic_year").annotate(
        assessment_count=_count(assessments, "session"),
        draft_count=_count(sheets.filter(status=SheetStatus.DRAFT), "assessment__session"),
        submitted_count=_count(sheets.filter(status=SheetStatus.SUBMITTED), "assessment__session"),
        locked_count=_count(sheets.filter(status=SheetStatus.LOCKED), "assessment__session"),
    )


def scope_faculty(user):
    """The faculty a dean's office user is limited to, or None for a university-wide user."""
    if user_faculty_id(user) is None:
        return None
    return Faculty.objects.for_user(user).first()


def session_groups(session, user):
    """The user's groups that take part in the session: those with assessments or admissions in
    it, and the groups of its academic year."""
    return StudyGroup.objects.for_user(user).filter(
        Q(academic_year_id=session.academic_year_id)
        | Q(pk__in=Assessment.objects.filter(session=session).values("group_id"))
        | Q(pk__in=Admission.objects.filter(session=session).values("group_id"))
    )


def _sheet_status(attempt):
    return Subquery(
        GradeSheet.objects.filter(assessment=OuterRef("pk"), attempt=attempt).values("status")[:1]
    )


def assessments_with_progress(session, groups):
    """The session's assessments of `groups`, each with the status of its two sheets and, for the
    main sheet, how many grades are in (`main_filled`) of how many are due (`main_expected`: the
    students of the contingent admitted to the session). One query."""
    admitted = Admission.objects.filter(session=session, stage=Attempt.MAIN, admitted=True)
    return (
        Assessment.objects.filter(session=session, group__in=groups)
        .annotate(
            main_status=_sheet_status(Attempt.MAIN),
            retake_status=_sheet_status(Attempt.RETAKE),
            main_expected=_count(admitted, "group", "group"),
            main_filled=_count(
                Grade.objects.filter(
                    attempt=Attempt.MAIN,
                    student__in=admitted.filter(group=OuterRef(OuterRef("group"))).values(
                        "student"
                    ),
                ),
                "assessment",
            ),
        )
        .order_by(F("date").asc(nulls_last=True), "discipline__name", "kind")
    )


@dataclass
class GroupRow:
    """A group's line on the session page; the counts are of its assessments' sheets."""

    group: object
    assessments: int = 0
    main_filled: int = 0
    main_submitted: int = 0
    main_locked: int = 0
    retake_submitted: int = 0
    retake_locked: int = 0

    def add(self, assessment):
        self.assessments += 1
        self.main_filled += assessment.main_expected > 0 and (
            assessment.main_filled >= assessment.main_expected
        )
        self.main_submitted += assessment.main_status == SheetStatus.SUBMITTED
        self.main_locked += assessment.main_status == SheetStatus.LOCKED
        self.retake_submitted += assessment.retake_status == SheetStatus.SUBMITTED
        self.retake_locked += assessment.retake_status == SheetStatus.LOCKED


@dataclass
class ProgramBlock:
    program: object
    rows: list = field(default_factory=list)


@dataclass
class FacultyBlock:
    faculty: object
    programs: list = field(default_factory=list)


def session_overview(session, groups):
    """`groups` (of session_groups) by faculty, then program, with their progress: two queries
    whatever the number of groups."""
    listed = (
        groups.select_related("program__faculty")
        .annotate(
            contingent=_count(
                Admission.objects.filter(session=session, stage=Attempt.MAIN), "group"
            ),
            studying=_count(Student.objects.filter(status=StudentStatus.STUDYING), "group"),
        )
        .order_by(
            "-program__faculty__kind",
            "program__faculty__name",
            "program__form",
            "program__code",
            "program__name",
            "program__level",
            "year_of_study",
            "name",
        )
    )
    rows = {group.pk: GroupRow(group) for group in listed}
    for assessment in assessments_with_progress(session, groups):
        rows[assessment.group_id].add(assessment)
    faculties = []
    for faculty, by_faculty in groupby(rows.values(), key=lambda r: r.group.program.faculty):
        block = FacultyBlock(faculty)
        for program, by_program in groupby(by_faculty, key=lambda r: r.group.program):
            block.programs.append(ProgramBlock(program, list(by_program)))
        faculties.append(block)
    return faculties


@can_browse
def session_list(request):
    sessions = sessions_with_sheet_counts(request.user)
    table = SessionTable(sessions)
    if export := export_response(request, table):
        return export
    table.configure(request)
    return render(
        request,
        "sessions_app/session_list.html",
        {
            "sessions": sessions,
            "table": table,
            "scope": scope_faculty(request.user),
            "can_import": importer.can_import(request.user),
        },
    )


@can_browse
def session_detail(request, session_id):
    session = get_object_or_404(ExamSession.objects.select_related("academic_year"), pk=session_id)
    filters = GroupFilterSet(
        request.GET, queryset=session_groups(session, request.user), request=request
    )
    faculties = session_overview(session, filters.qs)
    return render(
        request,
        "sessions_app/session_detail.html",
        {
            "session": session,
            "faculties": faculties,
            "filters": filters,
            "scope": scope_faculty(request.user),
            "admission_pending": any(
                not row.group.contingent
                for block in faculties
                for program in block.programs
                for row in program.rows
            ),
        },
    )


def get_session_and_group(user, session_id, group_id):
    """The session, and the group if it is in the user's scope and takes part in the session;
    else 404."""
    session = get_object_or_404(ExamSession.objects.select_related("academic_year"), pk=session_id)
    group = get_object_or_404(
        session_groups(session, user).select_related("program__faculty", "academic_year"),
        pk=group_id,
    )
    return session, group


@dataclass
class SheetProgress:
    attempt: str
    sheet: GradeSheet | None
    filled: int
    expected: int

    @property
    def status(self):
        return self.sheet.status if self.sheet else ""

    @property
    def status_label(self):
        return self.sheet.get_status_display() if self.sheet else ""

    @property
    def attempt_label(self):
        return Attempt(self.attempt).label


def _retake_progress(assessment, sheet):
    # The АКЖ roster (who owes the assessment) has one definition, services.roster; a sheet not
    # opened yet has the same roster, so an unsaved one stands in rather than writing on a GET.
    rows = services.roster(sheet or GradeSheet(assessment=assessment, attempt=Attempt.RETAKE))
    return SheetProgress(
        Attempt.RETAKE,
        sheet,
        filled=sum(1 for row in rows if row.value),
        expected=sum(1 for row in rows if row.admitted),
    )


@can_browse
def group_detail(request, session_id, group_id):
    session, group = get_session_and_group(request.user, session_id, group_id)
    assessments = (
        assessments_with_progress(session, [group])
        .select_related("discipline", "examiner", "session", "group")
        .prefetch_related(Prefetch("sheets", to_attr="sheet_list"))
    )
    rows = []
    for assessment in assessments:
        sheets = {sheet.attempt: sheet for sheet in assessment.sheet_list}
        main = SheetProgress(
            Attempt.MAIN, sheets.get(Attempt.MAIN), assessment.main_filled, assessment.main_expected
        )
        retake = _retake_progress(assessment, sheets.get(Attempt.RETAKE))
        rows.append(
            {"assessment": assessment, "sheets": [main, retake], "main": main, "retake": retake}
        )
    table = AssessmentProgressTable(rows)
    if export := export_response(request, table):
        return export
    table.configure(request)
    return render(
        request,
        "sessions_app/group_detail.html",
        {
            "session": session,
            "group": group,
            "rows": rows,
            "table": table,
            "can_import": importer.can_import(request.user),
        },
    )


@can_browse
def group_history(request, session_id, group_id):
    """Everything that changed the group's record this session, newest first: its admissions
    (both stages, students who joined or left it included), its sheets' events and its grades."""
    session, group = get_session_and_group(request.user, session_id, group_id)
    admissions = (
        AdmissionChange.objects.filter(session=session)
        .filter(Q(group=group) | Q(old_group=group))
        .select_related("student", "changed_by", "group", "old_group")
        .order_by("-changed_at", "-id")
    )
    events = (
        SheetEvent.objects.filter(
            sheet__assessment__session=session, sheet__assessment__group=group
        )
        .select_related("by", "sheet__assessment__discipline")
        .order_by("-at", "-id")
    )
    grades = (
        GradeChange.objects.filter(assessment__session=session, assessment__group=group)
        .select_related("student", "changed_by", "assessment__discipline")
        .order_by("-changed_at", "-id")
    )
    grades = [{"change": change, **change_labels(change)} for change in grades]
    admissions_table = AdmissionChangeTable(admissions, prefix="admissions-")
    events_table = SheetEventTable(events, with_sheet=True, prefix="events-")
    grades_table = GradeChangeTable(grades, with_sheet=True, prefix="grades-")
    tables = (admissions_table, events_table, grades_table)
    if export := export_response(request, *tables):
        return export
    configure(request, *tables)
    return render(
        request,
        "sessions_app/group_history.html",
        {
            "session": session,
            "group": group,
            "admissions": admissions,
            "events": events,
            "grades": grades,
            "admissions_table": admissions_table,
            "events_table": events_table,
            "grades_table": grades_table,
        },
    )
