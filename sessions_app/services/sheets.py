"""A grade sheet's list of students (roster) and its states: submitting, locking, reopening.
Each change of state takes the session's row lock, as the grade and admission writers do, and
leaves a SheetEvent."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academics.querysets import can_edit_grades
from portal.collation import name_key

from .. import rules
from ..choices import SheetAction, SheetStatus
from ..ledger import GradeFacts, Ledger, lock_sessions
from ..models import GradeSheet, SheetEvent
from .errors import SheetError


def open_sheet(assessment, attempt):
    """The sheet of the assessment's attempt, made (as a draft, version 0) if it is not yet."""
    sheet, _created = GradeSheet.objects.get_or_create(assessment=assessment, attempt=attempt)
    return sheet


@dataclass
class RosterRow:
    student: object
    admitted: bool
    reason: str
    value: str
    points: int | None
    main_value: str = ""
    grade: GradeFacts | None = None  # this sheet's attempt, as stored
    # An АКЖ grade of a student who no longer owes the assessment (from before the rules held):
    # shown, marked, and clearable, nothing else.
    stray: bool = False


def roster(sheet, ledger=None):
    """The rows of a sheet, in name order: who is on it (rules.sheet_row), whether they may sit,
    and their grade. The main sheet lists the group's contingent for the session; the АКЖ sheet,
    who owes the assessment after the main attempt (a blank main grade included) and anyone who
    holds an АКЖ grade in it. A fixed number of queries whatever the group's size."""
    assessment = sheet.assessment
    if ledger is None:
        ledger = Ledger.load([assessment.pk], with_students=True)
    rows = []
    for student_id in ledger.contingent(assessment.session_id, assessment.group_id):
        standing = ledger.standing(assessment.pk, student_id)
        row = rules.sheet_row(standing, sheet.attempt)
        if row is None:
            continue
        grade = ledger.grade(assessment.pk, student_id, sheet.attempt)
        rows.append(
            RosterRow(
                ledger.students[student_id],
                row.admitted,
                row.reason,
                grade.value if grade else "",
                grade.points if grade else None,
                main_value=standing.main_value if sheet.attempt == rules.RETAKE else "",
                grade=grade,
                stray=sheet.attempt == rules.RETAKE and not rules.owes_after_main(standing),
            )
        )
    rows.sort(key=lambda r: name_key(r.student.full_name, r.student.record_book))
    return rows


def _may_enter(user, sheet):
    return user is None or can_edit_grades(user, sheet.assessment.group.program.faculty_id)


def _may_manage(user, sheet):
    return user is None or (
        user.has_perm("sessions_app.reopen_gradesheet") and _may_enter(user, sheet)
    )


def _transition(assessment, attempt, user, action, to_status, from_statuses, reason=""):
    """Move the sheet (made when missing) to `to_status`, under the session's lock."""
    lock_sessions([assessment.session_id])
    sheet, _created = GradeSheet.objects.get_or_create(assessment=assessment, attempt=attempt)
    sheet = GradeSheet.objects.get(pk=sheet.pk)
    if sheet.status not in from_statuses:
        raise SheetError(
            _("A %(status)s sheet cannot be %(action)s.")
            % {"status": sheet.get_status_display(), "action": SheetAction(action).label}
        )
    now = timezone.now()
    GradeSheet.objects.filter(pk=sheet.pk).update(
        status=to_status, version=sheet.version + 1, updated_at=now
    )
    SheetEvent.objects.create(sheet=sheet, action=action, by=user, at=now, reason=reason)
    sheet.refresh_from_db()
    sheet.assessment = assessment
    return sheet


@transaction.atomic
def submit_sheet(sheet, user):
    if not _may_enter(user, sheet):
        raise PermissionDenied(_("You cannot submit this sheet."))
    return _transition(
        sheet.assessment,
        sheet.attempt,
        user,
        SheetAction.SUBMIT,
        SheetStatus.SUBMITTED,
        {SheetStatus.DRAFT},
    )


@transaction.atomic
def lock_sheet(sheet, user):
    if not _may_manage(user, sheet):
        raise PermissionDenied(_("Only the dean's office head can lock a sheet."))
    return _transition(
        sheet.assessment,
        sheet.attempt,
        user,
        SheetAction.LOCK,
        SheetStatus.LOCKED,
        {SheetStatus.DRAFT, SheetStatus.SUBMITTED},
    )


@transaction.atomic
def reopen_sheet(sheet, user, reason):
    if not (reason or "").strip():
        raise SheetError(_("Reopening a sheet needs a reason."))
    if not _may_manage(user, sheet):
        raise PermissionDenied(_("Only the dean's office head can reopen a sheet."))
    return _transition(
        sheet.assessment,
        sheet.attempt,
        user,
        SheetAction.REOPEN,
        SheetStatus.DRAFT,
        {SheetStatus.SUBMITTED, SheetStatus.LOCKED},
        reason=reason.strip(),
    )
