"""Pages of the execution of the council's resolutions: the items by status (overdue first) with
their Excel export, an item's page (its responsibles, reports, attachments and history), and the
posts that report, review, reassign and cancel — each through reports.execution.services.

Who sees what is services.visible: an item the user may not see answers 404, like a faculty's
page to another faculty's dean's office.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.tables import export_response

from ..resolutions.models import Resolution, ResolutionStatus, in_language
from . import deadlines
from . import services as execution
from .forms import ACCEPT, CancelForm, PlanForm, ReportForm, ReviewForm, VersionForm
from .models import (
    STATUS_LABELS,
    STATUS_ORDER,
    AssignmentEvent,
    AssignmentStatus,
    ExecutionReport,
    ReportAttachment,
    ReportState,
    Responsible,
)
from .tables import AssignmentTable, status_badge

RESPONSIBLES = Prefetch(
    "responsibles",
    queryset=Responsible.objects.select_related("faculty", "department__faculty", "user"),
)


def _resolutions_of(rows):
    ids = {row.resolution_id for row in rows}
    return list(
        Resolution.objects.filter(pk__in=ids, status=ResolutionStatus.ADOPTED)
        .select_related("session__academic_year")
        .order_by("-council_date", "-pk")
    )


def _chosen(request, choices, name):
    value = request.GET.get(name, "")
    if value and value not in choices:
        raise Http404(f"unknown {name}")
    return value


@login_required
@require_GET
def item_list(request):
    today = timezone.localdate()
    rows = list(execution.visible(request.user).prefetch_related(RESPONSIBLES))
    resolutions = _resolutions_of(rows)
    resolution = _chosen(request, {str(r.pk) for r in resolutions}, "resolution")
    if resolution:
        rows = [row for row in rows if str(row.resolution_id) == resolution]
    counts = execution.counts(rows, today)
    status = _chosen(request, set(STATUS_ORDER), "status")
    if status:
        rows = [row for row in rows if row.shown_status(today) == status]
    table = AssignmentTable(
        execution.ordered(rows, today),
        today=today,
        link_resolutions=request.user.has_perm("reports.view_resolution"),
    )
    if export := export_response(request, table):
        return export
    return render(
        request,
        "reports/execution/list.html",
        {
            "table": table.configure(request),
            "resolutions": resolutions,
            "resolution": resolution,
            "status": status,
            "statuses": [
                {"code": code, "label": STATUS_LABELS[code], "count": counts[code]}
                for code in STATUS_ORDER
            ],
            "total": sum(counts.values()),
        },
    )


def _assignment(request, pk):
    assignment = (
        execution.visible(request.user).prefetch_related(RESPONSIBLES).filter(pk=pk).first()
    )
    if assignment is None:
        raise Http404
    return assignment


def _plan_form(assignment, data=None):
    plan = execution.Plan(
        assignment.deadline_kind,
        assignment.deadline,
        *[
            [getattr(r, name) for r in assignment.responsibles.all() if r.kind == name]
            for name in ("faculty", "department", "user")
        ],
    )
    initial = {**PlanForm.initial_of(plan), "version": assignment.version}
    return PlanForm(data, initial=initial, prefix="plan")


def _reports(assignment):
    return (
        ExecutionReport.objects.filter(responsible__assignment=assignment)
        .select_related("responsible__faculty", "responsible__department", "responsible__user")
        .select_related("submitted_by", "reviewed_by")
        .prefetch_related("attachments")
    )


def _report_forms(parts, assignment, sent):
    """[(part, its form or None, why not)] for the parts the user reports on: a part done or
    with a report awaiting review takes no new report."""
    pending = set(
        ExecutionReport.objects.filter(
            responsible__in=parts, state=ReportState.SUBMITTED
        ).values_list("responsible_id", flat=True)
    )
    forms = []
    for part in parts:
        if assignment.status == AssignmentStatus.CANCELLED:
            forms.append((part, None, _("The item has been cancelled.")))
        elif part.done:
            forms.append((part, None, _("Your part has been accepted as done.")))
        elif part.pk in pending:
            forms.append((part, None, _("Your report awaits the vice-rector's office's review.")))
        else:
            form = sent.get("report_form") if sent.get("report_part") == part.pk else None
            form = form or ReportForm(initial={"version": assignment.version})
            form.auto_id = f"id_part{part.pk}_%s"
            forms.append((part, form, ""))
    return forms


def _item_context(request, assignment, **forms):
    user, today = request.user, timezone.localdate()
    mine = list(execution.my_parts(user, assignment).select_related("faculty", "department"))
    version = {"version": assignment.version}
    context = {
        "assignment": assignment,
        "status": assignment.shown_status(today),
        "status_badge": status_badge(assignment.shown_status(today)),
        "responsibles": list(assignment.responsibles.all()),
        "reports": list(_reports(assignment)),
        "events": AssignmentEvent.objects.filter(assignment=assignment).select_related(
            "by", "responsible__faculty", "responsible__department", "responsible__user"
        ),
        "report_forms": _report_forms(mine, assignment, forms),
        "item_text": assignment.item.shown_text,
        "item_responsible": in_language(assignment.item, "responsible"),
        "item_deadline": in_language(assignment.item, "deadline"),
        "can_review": execution.can_review(user),
        "can_manage": execution.can_manage(user),
        "version": assignment.version,
        "review_form": ReviewForm(initial=version),
        "cancel_form": forms.get("cancel_form") or CancelForm(initial=version),
        "plan_form": forms.get("plan_form") or _plan_form(assignment),
        "kinds": deadlines.with_dates(assignment.resolution.council_date),
    }
    return context


@login_required
@require_GET
def item_detail(request, pk):
    assignment = _assignment(request, pk)
    return render(request, "reports/execution/item.html", _item_context(request, assignment))


def _done(request, assignment, message):
    messages.success(request, message)
    return redirect("execution:item", assignment.pk)


def _refused(request, assignment, error, **forms):
    """The item's page again, with the refusal said and the form as it was sent."""
    if isinstance(error, execution.StaleAssignment):
        messages.error(request, " ".join(error.messages))
        return redirect("execution:item", assignment.pk)
    messages.error(request, " ".join(error.messages))
    assignment = _assignment(request, assignment.pk)
    context = _item_context(request, assignment, **forms)
    return render(request, "reports/execution/item.html", context, status=400)


@login_required
@require_POST
def report_submit(request, pk, responsible_pk):
    assignment = _assignment(request, pk)
    responsible = get_object_or_404(assignment.responsibles, pk=responsible_pk)
    if not execution.can_report(request.user, responsible):
        raise PermissionDenied
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(
            request,
            assignment,
            ValidationError(_("The report was not sent: correct the fields marked below.")),
            report_form=form,
            report_part=responsible.pk,
        )
    data = form.cleaned_data
    try:
        execution.submit_report(
            responsible,
            request.user,
            data["text"],
            data["progress"],
            data["files"],
            version=data["version"],
        )
    except ValidationError as error:
        return _refused(request, assignment, error, report_form=form, report_part=responsible.pk)
    return _done(request, assignment, _("Your report has been sent for review."))


@login_required
@require_POST
def report_review(request, pk, report_pk):
    assignment = _assignment(request, pk)
    if not execution.can_review(request.user):
        raise PermissionDenied
    report = get_object_or_404(ExecutionReport, pk=report_pk, responsible__assignment=assignment)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _refused(request, assignment, ValidationError(_("Choose to accept or to return.")))
    accept = form.cleaned_data["decision"] == ACCEPT
    try:
        execution.review_report(
            report,
            request.user,
            accept,
            form.cleaned_data["comment"],
            version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        return _refused(request, assignment, error)
    if accept:
        return _done(request, assignment, _("The report has been accepted."))
    return _done(request, assignment, _("The report has been returned with your comment."))


@login_required
@require_POST
def item_plan(request, pk):
    assignment = _assignment(request, pk)
    if not execution.can_manage(request.user):
        raise PermissionDenied
    form = PlanForm(request.POST, prefix="plan")
    if not form.is_valid():
        return _refused(
            request,
            assignment,
            ValidationError(_("Nothing was changed: correct the fields marked below.")),
            plan_form=form,
        )
    try:
        execution.reassign(assignment, request.user, form.plan(), form.cleaned_data["version"])
    except ValidationError as error:
        return _refused(request, assignment, error, plan_form=form)
    return _done(request, assignment, _("The responsibles and the deadline have been saved."))


@login_required
@require_POST
def item_cancel(request, pk):
    assignment = _assignment(request, pk)
    if not execution.can_manage(request.user):
        raise PermissionDenied
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _refused(
            request,
            assignment,
            ValidationError(_("Say why the item is cancelled.")),
            cancel_form=form,
        )
    try:
        execution.cancel(
            assignment, request.user, form.cleaned_data["reason"], form.cleaned_data["version"]
        )
    except ValidationError as error:
        return _refused(request, assignment, error, cancel_form=form)
    return _done(request, assignment, _("The item has been cancelled."))


@login_required
@require_POST
def item_restore(request, pk):
    assignment = _assignment(request, pk)
    if not execution.can_manage(request.user):
        raise PermissionDenied
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _refused(request, assignment, ValidationError(_("Reload the page and try again.")))
    try:
        execution.restore(assignment, request.user, form.cleaned_data["version"])
    except ValidationError as error:
        return _refused(request, assignment, error)
    return _done(request, assignment, _("The cancellation has been withdrawn."))


@login_required
@require_GET
def attachment_download(request, pk, attachment_pk):
    """An attachment, to those who see its item only (it is never served as a static file)."""
    assignment = _assignment(request, pk)
    attachment = get_object_or_404(
        ReportAttachment, pk=attachment_pk, report__responsible__assignment=assignment
    )
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
