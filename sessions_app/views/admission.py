"""Admission of a group's students to the session (main) or to АКЖ (retake), one page per group.

The dean's office of the group's faculty marks who may sit and why not; readers see the page
read-only; another faculty's group is not found. Every write goes through
services.set_admissions, all rows at once or none.
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

from .. import services
from ..choices import OWING_VALUES, Attempt, GradeValue, NotAdmittedReason
from ..models import Admission, Grade
from .browse import can_browse, get_session_and_group


class AdmissionRowForm(forms.Form):
    """One student's line; whether a not-admitted student has a reason kind is the service's
    rule, so that the page, the admin and imports agree."""

    admitted = forms.BooleanField(label=gettext_lazy("admitted"), required=False)
    reason = forms.ChoiceField(
        label=gettext_lazy("reason not admitted"),
        choices=[("", "—"), *NotAdmittedReason.choices],
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("note"), max_length=250, required=False)


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


def _owed_subjects(session, group, student_ids):
    owed = {}
    grades = (
        Grade.objects.filter(
            assessment__session=session,
            assessment__group=group,
            attempt=Attempt.MAIN,
            value__in=OWING_VALUES,
            student_id__in=student_ids,
        )
        .select_related("assessment__discipline")
        .order_by("assessment__discipline__name")
    )
    for grade in grades:
        # "2" says it; "absent" and "fail" need their words.
        shown = grade.value if grade.value.isdigit() else GradeValue(grade.value).label
        owed.setdefault(grade.student_id, []).append((grade.assessment.discipline, shown))
    return owed


def admission_rows(session, group, stage, data=None):
    """The page's rows in name order, with their forms (bound to `data` on a POST).

    Main: the group's contingent for the session. АКЖ: those of the contingent who owe an
    assessment of the session after the main attempt, and those not admitted to the main
    session; a student with no АКЖ row yet starts as they were for the main session.
    """
    main = list(
        Admission.objects.filter(session=session, stage=Attempt.MAIN, group=group)
        .select_related("student")
        .order_by("student__full_name", "student__record_book")
    )
    if stage == Attempt.MAIN:
        chosen = [(adm, adm) for adm in main]
        owed = {}
    else:
        ids = [adm.student_id for adm in main]
        owed = _owed_subjects(session, group, ids)
        retake = {
            adm.student_id: adm
            for adm in Admission.objects.filter(
                session=session, stage=Attempt.RETAKE, student_id__in=ids
            )
        }
        chosen = [
            (adm, retake.get(adm.student_id))
            for adm in main
            if adm.student_id in owed or not adm.admitted
        ]
    rows = []
    for main_adm, current in chosen:
        if current is not None:
            admitted, reason, note = current.admitted, current.reason, current.note
        else:
            admitted, reason, note = main_adm.admitted, main_adm.reason, ""
        form = AdmissionRowForm(
            data,
            prefix=f"s{main_adm.student_id}",
            initial={"admitted": admitted, "reason": reason, "note": note},
        )
        rows.append(
            AdmissionRow(
                main_adm.student,
                form,
                admitted,
                reason,
                note,
                owed.get(main_adm.student_id, []),
                main_admitted=main_adm.admitted,
            )
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


@can_browse
def admission_sheet(request, session_id, group_id, stage):
    session, group = get_session_and_group(request.user, session_id, group_id)
    if stage not in Attempt.values:
        raise Http404
    editable = can_edit_grades(request.user, group.program.faculty_id)
    if request.method == "POST" and not editable:
        raise PermissionDenied(_("You cannot change admission for this group."))
    if editable:
        # The contingent is made of these rows: a student added to the group since the last
        # visit joins it, admitted by default.
        services.ensure_admissions(session, group)

    status = 200
    data = request.POST if request.method == "POST" else None
    main, rows = admission_rows(session, group, stage, data)
    if data is not None:
        # Every row is checked (not only up to the first bad one) so that all errors show.
        if all([row.form.is_valid() for row in rows]):
            entries = {
                row.student.pk: (
                    row.form.cleaned_data["admitted"],
                    row.form.cleaned_data["reason"],
                    row.form.cleaned_data["note"],
                )
                for row in rows
            }
            try:
                changed = services.set_admissions(session, group, stage, entries, request.user)
            except services.InvalidGrades as error:
                for row in rows:
                    row.error = error.errors.get(row.student.pk, "")
            else:
                if not changed:
                    messages.info(request, _("Nothing to save: no row was changed."))
                    return redirect("sessions:admission", session.pk, group.pk, stage)
                messages.success(
                    request,
                    ngettext(
                        "Admission saved: %(count)s row changed.",
                        "Admission saved: %(count)s rows changed.",
                        changed,
                    )
                    % {"count": changed},
                )
                return redirect("sessions:admission", session.pk, group.pk, stage)
        messages.error(request, _("Nothing was saved: correct the marked rows."))
        status = 400

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
            "has_errors": status == 400,
        },
        status=status,
    )
