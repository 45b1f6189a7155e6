"""Admission of a group's students to the session (main) or to АКЖ (retake), one page per group.

The dean's office of the group's faculty marks who may sit and why not; readers see the page
read-only; another faculty's group is not found. Every write goes through
services.set_admissions, all rows at once or none, under the rules of sessions_app.rules (a
student with a grade, or on a submitted or locked sheet, keeps their admission). Each row sends
back what the page showed, so that a save after someone else's is merged, never reverts theirs.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from academics.querysets import can_edit_grades
from portal.collation import name_key

from .. import rules, services
from ..choices import Attempt, GradeValue, NotAdmittedReason
from ..ledger import Ledger
from .browse import can_browse, get_session_and_group


class AdmissionRowForm(forms.Form):
    """One student's line, and what it showed when the page was loaded; whether a not-admitted
    student has a reason kind is the rules' check, so that the page, the admin and imports
    agree."""

    admitted = forms.BooleanField(label=gettext_lazy("admitted"), required=False)
    reason = forms.ChoiceField(
        label=gettext_lazy("reason not admitted"),
        choices=[("", "—"), *NotAdmittedReason.choices],
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("note"), max_length=250, required=False)
    orig_admitted = forms.BooleanField(required=False, widget=forms.HiddenInput)
    orig_reason = forms.CharField(required=False, widget=forms.HiddenInput)
    orig_note = forms.CharField(required=False, widget=forms.HiddenInput)
    # After a clash: the row someone else saved (as shown), and the choice between the two.
    theirs = forms.CharField(required=False, widget=forms.HiddenInput)
    pick = forms.ChoiceField(
        choices=[("mine", "mine"), ("theirs", "theirs")], required=False, widget=forms.RadioSelect
    )

    def wanted(self):
        data = self.cleaned_data
        return (data["admitted"], data["reason"], data["note"])

    def started(self):
        data = self.cleaned_data
        return (data["orig_admitted"], data["orig_reason"], data["orig_note"])


@dataclass
class AdmissionRow:
    student: object
    form: AdmissionRowForm
    admitted: bool
    reason: str
    note: str
    owes: list  # (discipline, grade) of the main attempt, on the АКЖ page
    main_admitted: bool = True
    error: str = ""
    conflict: object = None  # {"mine": text, "theirs": text} after a clash

    @property
    def reason_label(self):
        return NotAdmittedReason(self.reason).label if self.reason else ""


@dataclass
class AdmissionSummary:
    contingent: int
    listed: int
    admitted: int
    valid: int
    invalid: int


def _owed(ledger, session, group, student_id):
    """(discipline, grade shown) of each assessment the student owes after the main attempt."""
    owed = []
    for assessment_id in ledger.by_group.get((session.pk, group.pk), ()):
        standing = ledger.standing(assessment_id, student_id)
        if standing.main_admitted and not rules.passes(standing.main_value):
            value = standing.main_value
            # "2" says it; "absent" and "fail" need their words; a blank is owed too.
            shown = value if value.isdigit() else (GradeValue(value).label if value else "—")
            owed.append((ledger.assessments[assessment_id].discipline, shown))
    return sorted(owed, key=lambda item: item[0])


def _listed_at_retake(ledger, session, group, student_id, main):
    """On the АКЖ page: who owes an assessment after the main attempt, who holds an АКЖ grade,
    and who was not admitted to the session (to be admitted to АКЖ)."""
    if not main.admitted:
        return True
    for assessment_id in ledger.by_group.get((session.pk, group.pk), ()):
        if rules.sheet_row(ledger.standing(assessment_id, student_id), rules.RETAKE):
            return True
    return False


def _shown(ledger, session, student_id, stage):
    """(admitted, reason, note) as the page shows the row: without an АКЖ row, the student
    stands at АКЖ as for the session."""
    stored = ledger.admission(session.pk, student_id, stage)
    if stored is not None:
        return stored.admitted, stored.reason, stored.note
    main = ledger.admission(session.pk, student_id, rules.MAIN)
    return main.admitted, main.reason, ""


def admission_rows(session, group, stage, data=None):
    """The page's contingent and rows in name order, with their forms (bound to `data` on a
    POST). Main: the group's contingent for the session. АКЖ: those of it listed by
    _listed_at_retake."""
    ledger = Ledger.load(groups=[(session.pk, group.pk)], with_students=True)
    main = sorted(
        (
            (ledger.students[student_id], ledger.admission(session.pk, student_id, rules.MAIN))
            for student_id in ledger.contingent(session.pk, group.pk)
        ),
        key=lambda pair: name_key(pair[0].full_name, pair[0].record_book),
    )
    rows = []
    for student, facts in main:
        listed = _listed_at_retake(ledger, session, group, student.pk, facts)
        if stage == rules.RETAKE and not listed:
            continue
        admitted, reason, note = _shown(ledger, session, student.pk, stage)
        initial = {"admitted": admitted, "reason": reason, "note": note}
        initial.update(orig_admitted=admitted, orig_reason=reason, orig_note=note)
        form = AdmissionRowForm(data, prefix=f"s{student.pk}", initial=initial)
        owes = _owed(ledger, session, group, student.pk) if stage == rules.RETAKE else []
        rows.append(
            AdmissionRow(student, form, admitted, reason, note, owes, main_admitted=facts.admitted)
        )
    return main, rows


def summarize(main, rows):
    return AdmissionSummary(
        contingent=len(main),
        listed=len(rows),
        admitted=sum(1 for row in rows if row.admitted),
        valid=sum(1 for row in rows if not row.admitted and row.reason == "valid"),
        invalid=sum(1 for row in rows if not row.admitted and row.reason == "invalid"),
    )


def _row_text(admitted, reason, note):
    """An admission row in words, as a clash shows the two sides."""
    if admitted:
        text = _("admitted")
    else:
        text = _("not admitted") + (f" ({NotAdmittedReason(reason).label})" if reason else "")
    return f"{text}; {note}" if note else text


def _entries(rows):
    """What the rows want, what they started from (None when the form did not say: then only
    the page's version guards the save), and the errors of clashes not chosen."""
    wanted, started, errors = {}, {}, {}
    for row in rows:
        pk, form = row.student.pk, row.form
        wanted[pk] = form.wanted()
        if form.add_prefix("orig_admitted") in form.data:
            started[pk] = form.started()
        if form.cleaned_data["theirs"]:
            row.conflict = {"mine": _row_text(*wanted[pk]), "theirs": form.cleaned_data["theirs"]}
            pick = form.cleaned_data["pick"]
            if pick == "theirs":
                wanted[pk] = started[pk]
            elif pick != "mine":
                errors[pk] = _("Choose which value stays: yours or the one saved.")
    return wanted, started or None, errors


def _version(post):
    try:
        return int(post.get("version", ""))
    except ValueError:
        return None


def _save(request, session, group, stage, rows):
    """Save the posted rows; None when saved (the caller redirects), else the status to show."""
    # Every row is checked (not only up to the first bad one) so that all errors show.
    if not all([row.form.is_valid() for row in rows]):
        messages.error(request, _("Nothing was saved: correct the marked rows."))
        return 400
    wanted, started, errors = _entries(rows)
    try:
        if errors:
            raise services.InvalidGrades(errors)
        saved = services.set_admissions(
            session,
            group,
            stage,
            wanted,
            request.user,
            version=_version(request.POST),
            originals=started,
        )
    except services.InvalidGrades as error:
        for row in rows:
            row.error = error.errors.get(row.student.pk, "")
        messages.error(request, _("Nothing was saved: correct the marked rows."))
        return 400
    except services.Conflicts as clash:
        _show_clash(rows, clash)
        messages.error(request, str(clash))
        return 409
    except services.StaleSheet as stale:
        # Nothing to merge with: the page is shown as stored (see admission_sheet).
        messages.error(request, str(stale))
        for row in rows:
            row.form = None
        return 409
    if saved.changed:
        messages.success(
            request,
            ngettext(
                "Admission saved: %(count)s row changed.",
                "Admission saved: %(count)s rows changed.",
                saved.changed,
            )
            % {"count": saved.changed},
        )
    else:
        messages.info(request, _("Nothing to save: no row was changed."))
    if saved.others:
        messages.info(
            request,
            ngettext(
                "Someone else saved %(count)s row of this page meanwhile; it is kept as they "
                "saved it.",
                "Someone else saved %(count)s rows of this page meanwhile; they are kept as "
                "they saved them.",
                saved.others,
            )
            % {"count": saved.others},
        )
    return None


def _show_clash(rows, clash):
    """The page starts again from what is stored; rows this person changed keep their values,
    and each row both changed shows the two sides to choose from."""
    for row in rows:
        pk, form = row.student.pk, row.form
        now = clash.current.get(pk)
        if now is None:
            continue
        data = form.data.copy()
        prefix = form.prefix + "-"
        data[prefix + "orig_admitted"] = "True" if now[0] else ""
        data[prefix + "orig_reason"], data[prefix + "orig_note"] = now[1], now[2]
        data.pop(prefix + "theirs", None)
        data.pop(prefix + "pick", None)
        if pk in clash.conflicts:
            data[prefix + "theirs"] = _row_text(*now)
            row.conflict = {"mine": _row_text(*form.wanted()), "theirs": _row_text(*now)}
        elif form.wanted() == form.started():
            # Untouched here: show what someone else saved.
            data[prefix + "admitted"] = "on" if now[0] else ""
            data[prefix + "reason"], data[prefix + "note"] = now[1], now[2]
        row.form = AdmissionRowForm(data, prefix=form.prefix)
        row.form.is_valid()


@can_browse
def admission_sheet(request, session_id, group_id, stage):
    session, group = get_session_and_group(request.user, session_id, group_id)
    if stage not in Attempt.values:
        raise Http404
    editable = can_edit_grades(request.user, group.program.faculty_id)
    if request.method == "POST" and not editable:
        raise PermissionDenied(_("You cannot change admission for this group."))
    left_out = 0
    if editable:
        # The contingent is made of these rows: a student added to the group since the last
        # visit joins it, admitted by default (unless a closed sheet would list them anew).
        left_out = services.ensure_admissions(session, group, request.user)

    status = 200
    data = request.POST if request.method == "POST" else None
    main, rows = admission_rows(session, group, stage, data)
    if data is not None:
        status = _save(request, session, group, stage, rows)
        if status is None:
            return redirect("sessions:admission", session.pk, group.pk, stage)
        if rows and rows[0].form is None:
            main, rows = admission_rows(session, group, stage)
    if left_out:
        messages.warning(
            request,
            ngettext(
                "%(count)s student of the group is not in the session's contingent: a submitted "
                "or locked sheet of the group would list them. Reopen it to add them.",
                "%(count)s students of the group are not in the session's contingent: a "
                "submitted or locked sheet of the group would list them. Reopen it to add them.",
                left_out,
            )
            % {"count": left_out},
        )
    return render(
        request,
        "sessions_app/admission.html",
        {
            "session": session,
            "group": group,
            "stage": stage,
            "stage_label": Attempt(stage).label,
            "editable": editable,
            "rows": rows,
            "summary": summarize(main, rows),
            "has_errors": status in (400, 409),
            "conflicts": any(row.conflict for row in rows),
            "version": services.version_of(session, group, stage),
        },
        status=status,
    )
