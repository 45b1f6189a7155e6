"""The grade sheet (ведомость) pages: enter one sheet's grades, submit, lock, reopen, its history
and its printout. Grades are written only by the grade service."""

from collections import Counter
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academics.querysets import can_edit_grades, restrict_to_faculty

from .. import services
from ..choices import AssessmentKind, Attempt, ChangeSource, GradeValue, SheetStatus
from ..forms import MAX_LENGTH, cell_text, grammar, label, parse_grade, points_allowed
from ..models import Assessment, GradeChange, GradeSheet, SheetEvent

CELL_PREFIX = "grade-"
# Who may open a sheet at all: the roles that read exam results (dean's offices in their faculty).
may_read = permission_required("sessions_app.view_gradesheet", raise_exception=True)


def _load(request, assessment_id, attempt, create=False):
    """The sheet, looked up through the user's faculty: another faculty's sheet is not found."""
    if attempt not in Attempt.values:
        raise Http404
    assessments = restrict_to_faculty(
        Assessment.objects.select_related(
            "session__academic_year", "group__program__faculty", "discipline", "examiner"
        ),
        request.user,
        "group__program__faculty",
    )
    assessment = get_object_or_404(assessments, pk=assessment_id)
    if create:
        sheet = services.open_sheet(assessment, attempt)
    else:
        # Reading a sheet nobody has saved yet does not create it.
        sheet = GradeSheet.objects.filter(assessment=assessment, attempt=attempt).first()
        sheet = sheet or GradeSheet(assessment=assessment, attempt=attempt)
    sheet.assessment = assessment
    return sheet


def _roster(sheet):
    if sheet.attempt == Attempt.MAIN:
        services.ensure_admissions(sheet.assessment.session, sheet.assessment.group)
    return services.roster(sheet)


@dataclass
class Rights:
    enter: bool  # a dean's office of the sheet's faculty: may enter grades and submit
    manage: bool  # its head: may also lock and reopen
    edit: bool  # may type and save grades now
    late: bool  # the entry deadline has passed for this user
    submit: bool  # the buttons to show
    lock: bool
    reopen: bool


def _rights(user, sheet):
    assessment = sheet.assessment
    enter = can_edit_grades(user, assessment.group.program.faculty_id)
    manage = enter and user.has_perm("sessions_app.reopen_gradesheet")
    late = (
        enter
        and sheet.editable
        and assessment.session.entry_closed(timezone.localdate())
        and not user.has_perm("sessions_app.enter_after_deadline")
    )
    return Rights(
        enter=enter,
        manage=manage,
        edit=enter and sheet.editable and not late,
        late=late,
        submit=enter and sheet.editable,
        lock=manage and sheet.status != SheetStatus.LOCKED,
        reopen=manage and sheet.status != SheetStatus.DRAFT,
    )


def _typed(text, kind):
    """(value, points) of what a person typed; (None, None) while it is not a grade."""
    try:
        value = parse_grade(text, kind)
    except ValidationError:
        return None, None
    if isinstance(value, int):
        return services.points_to_value(value), value
    return value, None


@dataclass
class SheetRow:
    number: int
    student: object
    admitted: bool
    reason: str
    main_label: str
    main_value: str  # the stored value, short enough for a phone's column
    text: str  # what the cell holds: the saved grade, or what the person typed
    label: str
    error: str = ""
    theirs: str | None = None  # after a refused stale save: what someone else saved meanwhile


def _sheet_rows(roster, kind, typed=None, errors=None, theirs=None):
    typed, errors = typed or {}, errors or {}
    rows = []
    for number, entry in enumerate(roster, 1):
        pk = entry.student.pk
        if pk in typed:
            text = typed[pk]
            value, points = _typed(text, kind)
            row_label = label(value, points) if value is not None else ""
        else:
            text = cell_text(entry.value, entry.points)
            row_label = label(entry.value, entry.points)
            value = entry.value
        other = None
        if theirs is not None and theirs.get(pk, "") != value:
            # Shown where the other person's save and this person's cell disagree.
            other = label(theirs.get(pk, "")) or "—"
        rows.append(
            SheetRow(
                number=number,
                student=entry.student,
                admitted=entry.admitted,
                reason=entry.reason,
                main_label=label(entry.main_value),
                main_value=entry.main_value,
                text=text,
                label=row_label,
                error=str(errors.get(pk, "")),
                theirs=other,
            )
        )
    return rows


def _header(sheet):
    """What the header of every sheet page names."""
    assessment = sheet.assessment
    return {
        "sheet": sheet,
        "assessment": assessment,
        "session": assessment.session,
        "group": assessment.group,
        "title": f"{assessment.discipline} · {assessment.group}",
        "retake": sheet.attempt == Attempt.RETAKE,
    }


def _render(request, sheet, typed=None, errors=None, theirs=None, status=200, version=None):
    assessment = sheet.assessment
    rights = _rights(request.user, sheet)
    rows = _sheet_rows(_roster(sheet), assessment.kind, typed, errors, theirs)
    if set(errors or {}) - {row.student.pk for row in rows}:
        messages.error(request, _("The list of students has changed: reload the sheet."))
    open_rows = [row for row in rows if row.admitted]
    context = {
        **_header(sheet),
        "page": "sheet",
        # A refused save keeps the version the person loaded, so that a save by someone else in
        # the meantime is still caught; only the stale-save page hands out the new one.
        "version": sheet.version if version is None else version,
        "rows": rows,
        "rights": rights,
        "empty_count": sum(1 for row in open_rows if not row.text.strip()),
        "open_count": len(open_rows),
        "grammar": grammar(assessment.kind),
        "max_length": MAX_LENGTH,
        "stale": theirs is not None,
        # A refused save shows what was typed: it is not saved yet.
        "unsaved": typed is not None,
    }
    return render(request, "sessions_app/sheet.html", context, status=status)


def _cells(post):
    """student id -> the text of its cell, for every cell posted; disabled cells are not."""
    typed = {}
    for key, text in post.items():
        if key.startswith(CELL_PREFIX):
            try:
                typed[int(key.removeprefix(CELL_PREFIX))] = text
            except ValueError:
                continue
    return typed


def _sheet_url(sheet):
    return reverse("sessions:sheet", args=[sheet.assessment_id, sheet.attempt])


@may_read
@require_http_methods(["GET", "POST"])
def sheet(request, assessment_id, attempt):
    if request.method == "POST":
        return _save(request, assessment_id, attempt)
    return _render(request, _load(request, assessment_id, attempt))


def _save(request, assessment_id, attempt):
    sheet = _load(request, assessment_id, attempt, create=True)
    if not _rights(request.user, sheet).enter:
        raise PermissionDenied(_("You cannot enter grades for this group."))
    if sheet.attempt == Attempt.MAIN:
        # The service finds the rows through the admissions; a sheet never shown has none yet.
        services.ensure_admissions(sheet.assessment.session, sheet.assessment.group)
    kind = sheet.assessment.kind
    typed = _cells(request.POST)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, _("The form was incomplete: reload the sheet and try again."))
        return _render(request, sheet, typed, status=400)

    entries, errors = {}, {}
    for student_id, text in typed.items():
        try:
            entries[student_id] = parse_grade(text, kind)
        except ValidationError as exc:
            errors[student_id] = exc.messages[0]
    if not errors:
        try:
            changed = services.record_grades(
                sheet, entries, request.user, version=version, source=ChangeSource.PAGE
            )
        except services.InvalidGrades as exc:
            errors = exc.errors
        except services.StaleSheet as exc:
            # The page's banner explains it beside the table, with the other save's values.
            sheet.refresh_from_db(fields=["version", "status"])
            return _render(request, sheet, typed, theirs=exc.current, status=409)
        except services.SheetError as exc:
            messages.error(request, str(exc))
            sheet.refresh_from_db(fields=["version", "status"])
            # Keep what was typed while the sheet can still be saved (e.g. by a later reopen).
            kept = typed if sheet.editable else None
            return _render(request, sheet, kept, status=409, version=version)
        else:
            if changed:
                messages.success(
                    request,
                    ngettext(
                        "Saved: %(count)d grade changed.",
                        "Saved: %(count)d grades changed.",
                        changed,
                    )
                    % {"count": changed},
                )
            else:
                messages.info(request, _("Saved: nothing had changed."))
            return redirect(_sheet_url(sheet))
    messages.error(
        request,
        ngettext(
            "Nothing was saved: %(count)d cell needs fixing.",
            "Nothing was saved: %(count)d cells need fixing.",
            len(errors),
        )
        % {"count": len(errors)},
    )
    return _render(request, sheet, typed, errors=errors, status=400, version=version)


def _transition(request, assessment_id, attempt, allowed, change, done):
    sheet = _load(request, assessment_id, attempt, create=True)
    # Who may act is checked here (403); whether the sheet's state allows it, by the service.
    if not allowed(_rights(request.user, sheet)):
        raise PermissionDenied
    try:
        change(sheet)
    except services.SheetError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(_sheet_url(sheet))


@may_read
@require_POST
def submit(request, assessment_id, attempt):
    return _transition(
        request,
        assessment_id,
        attempt,
        lambda rights: rights.enter,
        lambda sheet: services.submit_sheet(sheet, request.user),
        _("The sheet is submitted: it is read-only now."),
    )


@may_read
@require_POST
def lock(request, assessment_id, attempt):
    return _transition(
        request,
        assessment_id,
        attempt,
        lambda rights: rights.manage,
        lambda sheet: services.lock_sheet(sheet, request.user),
        _("The sheet is locked."),
    )


@may_read
@require_POST
def reopen(request, assessment_id, attempt):
    return _transition(
        request,
        assessment_id,
        attempt,
        lambda rights: rights.manage,
        lambda sheet: services.reopen_sheet(sheet, request.user, request.POST.get("reason", "")),
        _("The sheet is reopened: grades can be entered again."),
    )


@may_read
@require_GET
def history(request, assessment_id, attempt):
    sheet = _load(request, assessment_id, attempt)
    assessment = sheet.assessment
    changes = [
        {
            "change": change,
            "old": label(change.old_value, change.old_points),
            "new": label(change.new_value, change.new_points),
        }
        for change in GradeChange.objects.filter(assessment=assessment, attempt=attempt)
        .select_related("student", "changed_by")
        .order_by("-changed_at", "-id")
    ]
    events = (
        SheetEvent.objects.filter(sheet__assessment=assessment, sheet__attempt=attempt)
        .select_related("by")
        .order_by("-at", "-id")
    )
    context = {
        **_header(sheet),
        "page": "history",
        "page_name": _("History"),
        "changes": changes,
        "events": events,
    }
    return render(request, "sessions_app/sheet_history.html", context)


# The tally under a printed sheet, in the order the dean's office reads it.
TALLY = {
    "graded": ["5", "4", "3", "2", GradeValue.ABSENT],
    "credit": [GradeValue.PASS, GradeValue.FAIL, GradeValue.ABSENT],
}


@may_read
@require_GET
def print_sheet(request, assessment_id, attempt):
    sheet = _load(request, assessment_id, attempt)
    assessment = sheet.assessment
    roster = _roster(sheet)
    rows = [
        {"number": n, "entry": entry, "label": label(entry.value, entry.points)}
        for n, entry in enumerate(roster, 1)
    ]
    counts = Counter(entry.value for entry in roster if entry.admitted)
    order = TALLY["graded" if points_allowed(assessment.kind) else "credit"]
    tally = [{"value": value, "label": label(value), "count": counts[value]} for value in order]
    titles = {
        AssessmentKind.EXAM: _("EXAM GRADE SHEET"),
        AssessmentKind.CREDIT: _("CREDIT GRADE SHEET"),
        AssessmentKind.COURSE_WORK: _("COURSE WORK GRADE SHEET"),
        AssessmentKind.PRACTICE: _("PRACTICE GRADE SHEET"),
    }
    context = {
        **_header(sheet),
        "heading": titles[assessment.kind],
        "rows": rows,
        "tally": tally,
        "not_admitted": sum(1 for entry in roster if not entry.admitted),
        "not_entered": sum(1 for entry in roster if entry.admitted and not entry.value),
    }
    return render(request, "sessions_app/sheet_print.html", context)
