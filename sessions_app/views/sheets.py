"""The grade sheet (ведомость) pages: enter one sheet's grades, submit, lock, reopen, choose its
examiner, its history and its printout. Grades are written only by the grade service, the
examiner only by the examiners' writer (services.set_examiner)."""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academics.querysets import can_edit_grades
from portal.tables import configure, export_response
from portal.uploads import UploadRefused

from .. import rules, services, sheet_file
from ..choices import AssessmentKind, Attempt, ChangeSource, GradeValue, SheetStatus
from ..forms import (
    MAX_LENGTH,
    ExaminerForm,
    change_labels,
    grade_cell_text,
    grammar,
    label,
    parse_grade,
    points_allowed,
)
from ..models import Assessment, GradeChange, GradeSheet, SheetEvent
from ..tables import GradeChangeTable, SheetEventTable

CELL_PREFIX = "grade-"
# With each cell: the value it started from, and after a clash, the saved value and the choice.
ORIGINAL_PREFIX = "orig-"
CONFLICT_PREFIX = "theirs-"
PICK_PREFIX = "pick-"
# Who may open a sheet at all: the roles that read exam results (dean's offices in their faculty).
may_read = permission_required("sessions_app.view_gradesheet", raise_exception=True)


def _load(request, assessment_id, attempt):
    """The sheet, looked up through the user's faculty: another faculty's sheet is not found. A
    sheet nobody has saved yet is not made here: only a write that is allowed makes it."""
    if attempt not in Attempt.values:
        raise Http404
    assessments = Assessment.objects.for_user(request.user).select_related(
        "session__academic_year", "group__program__faculty", "discipline", "examiner"
    )
    assessment = get_object_or_404(assessments, pk=assessment_id)
    sheet = GradeSheet.objects.filter(assessment=assessment, attempt=attempt).first()
    sheet = sheet or GradeSheet(assessment=assessment, attempt=attempt)
    sheet.assessment = assessment
    return sheet


def _roster(sheet, user):
    if sheet.attempt == Attempt.MAIN and can_edit_grades(
        user, sheet.assessment.group.program.faculty_id
    ):
        # The dean's office opens the group's contingent: a student who joined the group joins.
        services.ensure_admissions(sheet.assessment.session, sheet.assessment.group, user)
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
    # may choose the examiner: on the main sheet, while it is a draft (rules.refuse_examiner);
    # the entry deadline is for grades, not for naming who examined
    examiner: bool = False


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
        examiner=enter and sheet.attempt == Attempt.MAIN and sheet.editable,
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
class PageState:
    """What a refused save shows again: the cells as typed, the values the page started from,
    each cell's error, and the cells that both this person and someone else changed."""

    typed: dict = field(default_factory=dict)  # student id -> text
    originals: dict | None = None  # student id -> text the cell started from; None: as stored
    errors: dict = field(default_factory=dict)  # student id -> message
    conflicts: dict = field(default_factory=dict)  # student id -> services.Conflict
    picks: dict = field(default_factory=dict)  # student id -> "mine" / "theirs"


@dataclass
class SheetRow:
    number: int
    student: object
    admitted: bool
    reason: str
    main_label: str
    main_value: str  # the main grade as its cell shows it (н, +, -), short enough for a phone
    text: str  # what the cell holds: the saved grade, or what the person typed
    original: str  # the value the cell started from, sent back with the save
    label: str
    error: str = ""
    stray: bool = False  # an АКЖ grade of a student who no longer owes: clear it
    conflict: object = None  # {"mine": label, "theirs": label, "pick": ...} after a clash


def _conflict_view(conflict, pick):
    return {
        "mine": label(*conflict.mine) or "—",
        "theirs": label(*conflict.theirs) or "—",
        "pick": pick or "",
    }


def _sheet_rows(roster, kind, state):
    rows = []
    for number, entry in enumerate(roster, 1):
        pk = entry.student.pk
        stored = grade_cell_text(entry.value, entry.points)
        if pk in state.typed:
            text = state.typed[pk]
            value, points = _typed(text, kind)
            row_label = label(value, points) if value is not None else ""
        else:
            text, row_label = stored, label(entry.value, entry.points)
        original = stored if state.originals is None else state.originals.get(pk, stored)
        conflict = state.conflicts.get(pk)
        rows.append(
            SheetRow(
                number=number,
                student=entry.student,
                admitted=entry.admitted,
                reason=entry.reason,
                main_label=label(entry.main_value),
                main_value=grade_cell_text(entry.main_value),
                text=text,
                original=original,
                label=row_label,
                error=str(state.errors.get(pk, "")),
                stray=entry.stray,
                conflict=_conflict_view(conflict, state.picks.get(pk)) if conflict else None,
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


def _render(request, sheet, state=None, status=200, version=None):
    assessment = sheet.assessment
    state = state or PageState()
    rights = _rights(request.user, sheet)
    rows = _sheet_rows(_roster(sheet, request.user), assessment.kind, state)
    if set(state.errors) - {row.student.pk for row in rows}:
        messages.error(request, _("The list of students has changed: reload the sheet."))
    open_rows = [row for row in rows if row.admitted]
    context = {
        **_header(sheet),
        "page": "sheet",
        "version": sheet.version if version is None else version,
        "rows": rows,
        "rights": rights,
        "empty_count": sum(1 for row in open_rows if not row.text.strip()),
        "open_count": len(open_rows),
        "grammar": grammar(assessment.kind),
        "max_length": MAX_LENGTH,
        "conflicts": bool(state.conflicts),
        "strays": any(row.stray for row in rows),
        # A refused save shows what was typed: it is not saved yet.
        "unsaved": bool(state.typed),
        "examiner_form": ExaminerForm(assessment, initial={"version": sheet.version})
        if rights.examiner
        else None,
    }
    return render(request, "sessions_app/sheet.html", context, status=status)


def _posted(post, prefix):
    """student id -> the posted field `prefix<id>`."""
    found = {}
    for key, text in post.items():
        if key.startswith(prefix):
            try:
                found[int(key.removeprefix(prefix))] = text
            except ValueError:
                continue
    return found


def _sheet_url(sheet):
    return reverse("sessions:sheet", args=[sheet.assessment_id, sheet.attempt])


@may_read
@require_http_methods(["GET", "POST"])
def sheet(request, assessment_id, attempt):
    if request.method == "POST":
        return _save(request, assessment_id, attempt)
    return _render(request, _load(request, assessment_id, attempt))


def _parse(texts, kind):
    """student id -> value or points, and student id -> message for what is not a grade."""
    parsed, errors = {}, {}
    for student_id, text in texts.items():
        try:
            parsed[student_id] = parse_grade(text, kind)
        except ValidationError as exc:
            errors[student_id] = exc.messages[0]
    return parsed, errors


def _chosen(state, kind):
    """Apply the person's choices on the cells of an earlier clash: "theirs" puts back the value
    the page started from (theirs), "mine" keeps what was typed; no choice is an error."""
    for student_id in state.conflicts:
        pick = state.picks.get(student_id)
        if pick == "theirs":
            state.typed[student_id] = (state.originals or {}).get(student_id, "")
        elif pick != "mine":
            state.errors[student_id] = _("Choose which value stays: yours or the one saved.")


def _save(request, assessment_id, attempt):
    sheet = _load(request, assessment_id, attempt)
    # Who may write is checked before anything is written: a refused request writes nothing.
    if not _rights(request.user, sheet).enter:
        raise PermissionDenied(_("You cannot enter grades for this group."))
    kind = sheet.assessment.kind
    post = request.POST
    # Without the values the page started from (a form from before they were sent), only the
    # sheet's version guards the save.
    state = PageState(typed=_posted(post, CELL_PREFIX), originals=_posted(post, ORIGINAL_PREFIX))
    state.originals = state.originals or None
    state.picks = _posted(post, PICK_PREFIX)
    try:
        version = int(post.get("version", ""))
    except ValueError:
        messages.error(request, _("The form was incomplete: reload the sheet and try again."))
        return _render(request, sheet, state, status=400)
    clashed = _posted(post, CONFLICT_PREFIX)
    if clashed:
        state.conflicts = {
            pk: services.Conflict(None, _typed(state.typed.get(pk, ""), kind), _typed(text, kind))
            for pk, text in clashed.items()
        }
        _chosen(state, kind)
    entries, errors = _parse(state.typed, kind)
    state.errors.update(errors)
    if state.errors:
        return _refused(request, sheet, state, version)
    saved = _record(request, sheet, state, entries, version)
    if not isinstance(saved, services.Saved):
        return saved
    _say_saved(request, saved)
    return redirect(_sheet_url(sheet))


def _record(request, sheet, state, entries, version, source=ChangeSource.PAGE, cells=None):
    """Save the parsed cells through the grade service: Saved, or the page that says why nothing
    was saved. `cells` (student id -> "E9"): where a refused cell lies in an uploaded file."""
    assessment_id, attempt, kind = sheet.assessment_id, sheet.attempt, sheet.assessment.kind
    originals = _parse(state.originals, kind)[0] if state.originals is not None else None
    try:
        return services.record_grades(
            sheet, entries, request.user, version=version, originals=originals, source=source
        )
    except services.InvalidGrades as exc:
        state.errors = exc.errors
        for student_id, message in exc.errors.items():
            if cells and student_id in cells:
                messages.error(request, f"{cells[student_id]}: {message}")
        return _refused(request, sheet, state, version)
    except services.Conflicts as exc:
        return _clash(request, sheet, state, exc)
    except services.StaleSheet as exc:
        # Without what the page started from, nothing can be merged: the sheet is shown as it
        # is stored now, so that saving it again cannot put anyone's old values back.
        messages.error(request, str(exc))
        return _render(request, _load(request, assessment_id, attempt), status=409)
    except services.SheetError as exc:
        messages.error(request, str(exc))
        sheet = _load(request, assessment_id, attempt)
        # Keep what was typed while the sheet can still be saved (e.g. by a later reopen).
        return _render(request, sheet, state if sheet.editable else None, status=409)


def _refused(request, sheet, state, version):
    messages.error(
        request,
        ngettext(
            "Nothing was saved: %(count)d cell needs fixing.",
            "Nothing was saved: %(count)d cells need fixing.",
            len(state.errors),
        )
        % {"count": len(state.errors)},
    )
    # The clashes stay shown until each is chosen; the values the page started from stay.
    return _render(request, sheet, state, status=400, version=version)


def _clash(request, sheet, state, exc):
    """Someone else changed the same cells: nothing was saved. The page now starts from what is
    stored (theirs), keeps this person's other changes in their cells, and asks for each clash
    which value stays."""
    typed = {
        pk: text
        for pk, text in state.typed.items()
        if text.strip() != (state.originals or {}).get(pk, "").strip() or pk in exc.conflicts
    }
    sheet = _load(request, sheet.assessment_id, sheet.attempt)
    clash = PageState(typed=typed, conflicts=exc.conflicts)
    messages.error(request, str(exc))
    return _render(request, sheet, clash, status=409)


def _say_saved(request, saved):
    if saved.changed:
        messages.success(
            request,
            ngettext(
                "Saved: %(count)d grade changed.",
                "Saved: %(count)d grades changed.",
                saved.changed,
            )
            % {"count": saved.changed},
        )
    else:
        messages.info(request, _("Saved: nothing had changed."))
    if saved.others:
        messages.info(
            request,
            ngettext(
                "Someone else saved %(count)d cell of this sheet meanwhile; their value is kept.",
                "Someone else saved %(count)d cells of this sheet meanwhile; their values are "
                "kept.",
                saved.others,
            )
            % {"count": saved.others},
        )


def _transition(request, assessment_id, attempt, allowed, change, done):
    sheet = _load(request, assessment_id, attempt)
    # Who may act is checked here (403), before anything is written; whether the sheet's state
    # allows it, by the service, which makes the sheet if it is not yet.
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
@require_POST
def examiner(request, assessment_id, attempt):
    """Set the assessment's examiner from its main sheet, through the examiners' one writer."""
    sheet = _load(request, assessment_id, attempt)
    if not _rights(request.user, sheet).enter or sheet.attempt != Attempt.MAIN:
        raise PermissionDenied(_("You cannot change the examiner of this group's assessment."))
    form = ExaminerForm(sheet.assessment, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the examiner from the list."))
        return redirect(_sheet_url(sheet))
    staff = form.cleaned_data["examiner"]
    try:
        changed = services.set_examiner(
            sheet.assessment, staff, request.user, version=form.cleaned_data["version"]
        )
    except services.SheetError as exc:
        messages.error(request, str(exc))
    else:
        if not changed:
            messages.info(request, _("The examiner is as it was: nothing had changed."))
        elif staff is None:
            messages.success(request, _("The sheet has no examiner now."))
        else:
            messages.success(
                request, _("The examiner is now %(name)s.") % {"name": staff.full_name}
            )
    return redirect(_sheet_url(sheet))


@may_read
@require_GET
def history(request, assessment_id, attempt):
    sheet = _load(request, assessment_id, attempt)
    assessment = sheet.assessment
    changes = [
        {"change": change, **change_labels(change)}
        for change in GradeChange.objects.filter(assessment=assessment, attempt=attempt)
        .select_related("student", "changed_by")
        .order_by("-changed_at", "-id")
    ]
    events = (
        SheetEvent.objects.filter(sheet__assessment=assessment, sheet__attempt=attempt)
        .select_related("by")
        .order_by("-at", "-id")
    )
    changes_table = GradeChangeTable(changes, prefix="grades-")
    events_table = SheetEventTable(events, prefix="events-")
    if export := export_response(request, events_table, changes_table):
        return export
    configure(request, events_table, changes_table)
    context = {
        **_header(sheet),
        "page": "history",
        "page_name": _("History"),
        "changes": changes,
        "events": events,
        "changes_table": changes_table,
        "events_table": events_table,
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
    roster = _roster(sheet, request.user)
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


# The sheet as an .xlsx file, filled offline and uploaded back


@may_read
@require_GET
def download(request, assessment_id, attempt):
    sheet = _load(request, assessment_id, attempt)
    content = sheet_file.build_workbook(sheet, _roster(sheet, request.user))
    response = HttpResponse(content, content_type=sheet_file.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, sheet_file.file_name(sheet))
    return response


@may_read
@require_POST
def upload(request, assessment_id, attempt):
    """A downloaded file, filled, saved as if its changed cells were typed on the page: the
    downloaded values are what the page started from, so the merge writes only the cells
    changed in the file and shows a cell someone else changed meanwhile as a conflict."""
    sheet = _load(request, assessment_id, attempt)
    rights = _rights(request.user, sheet)
    if not rights.enter:
        raise PermissionDenied(_("You cannot enter grades for this group."))
    # The rules' own words for a sheet that cannot take grades now, before the file is read.
    if not sheet.editable:
        messages.error(request, rules.sheet_closed(sheet.status).message)
        return redirect(_sheet_url(sheet))
    if rights.late:
        refusal = rules.deadline_passed(sheet.assessment.session.entry_deadline)
        messages.error(request, refusal.message)
        return redirect(_sheet_url(sheet))
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Choose the filled grade sheet file (.xlsx) to upload."))
        return redirect(_sheet_url(sheet))
    on_sheet = [row.student.pk for row in _roster(sheet, request.user)]
    try:
        filled = sheet_file.read_upload(file, sheet, on_sheet)
    except (UploadRefused, sheet_file.SheetFileRefused) as refusal:
        for message in refusal.messages:
            messages.error(request, message)
        messages.error(request, _("Nothing was saved from the file."))
        return redirect(_sheet_url(sheet))
    kind = sheet.assessment.kind
    state = PageState(typed=filled.typed, originals=filled.originals)
    entries = _parse(state.typed, kind)[0]
    saved = _record(
        request,
        sheet,
        state,
        entries,
        filled.version,
        source=ChangeSource.SHEET_FILE,
        cells=filled.cells,
    )
    if not isinstance(saved, services.Saved):
        return saved
    _say_uploaded(request, saved, file.name)
    return redirect(_sheet_url(sheet))


def _say_uploaded(request, saved, filename):
    if saved.changed:
        messages.success(
            request,
            ngettext(
                "Saved from “%(file)s”: %(count)d grade changed.",
                "Saved from “%(file)s”: %(count)d grades changed.",
                saved.changed,
            )
            % {"count": saved.changed, "file": filename},
        )
    else:
        messages.info(
            request,
            _("Saved from “%(file)s”: nothing had changed.") % {"file": filename},
        )
    if saved.others:
        messages.info(
            request,
            ngettext(
                "%(count)d cell was changed on the portal since the file was downloaded; its "
                "saved value is kept.",
                "%(count)d cells were changed on the portal since the file was downloaded; their "
                "saved values are kept.",
                saved.others,
            )
            % {"count": saved.others},
        )
