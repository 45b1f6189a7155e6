"""Pages of the council's resolutions: the list, create and edit (drafts only), the document as an
A4 page, adopt, and the DOCX and PDF downloads. The document is in Kyrgyz unless ?lang= asks for
another language; the interface around it stays in the user's own."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jobs import services as jobs
from jobs.choices import JobKind
from portal.tables import export_response

from ..execution import deadlines
from ..execution import previous as previous_execution
from ..execution import services as execution
from ..execution.forms import PlanForm
from . import documents
from . import services as service
from .forms import PEOPLE, ItemFormSet, ResolutionForm, item_initial
from .models import Resolution, ResolutionFrozen
from .tables import ResolutionTable

# The vice-rector and the academic department read; the vice-rector's office edits.
can_read = permission_required("reports.view_resolution", raise_exception=True)
can_change = permission_required("reports.change_resolution", raise_exception=True)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _resolutions():
    return Resolution.objects.select_related("session__academic_year", "adopted_by")


def _language(request):
    language = (request.POST if request.method == "POST" else request.GET).get("lang", "")
    return language if language in service.document_languages() else settings.LANGUAGE_CODE


def _document(request, pk):
    resolution = get_object_or_404(_resolutions(), pk=pk)
    return resolution, service.build_document(resolution, _language(request))


@can_read
@require_GET
def resolution_list(request):
    table = ResolutionTable(_resolutions())
    if export := export_response(request, table):
        return export
    return render(
        request,
        "reports/resolution_list.html",
        {"table": table.configure(request), "can_edit": service.can_edit(request.user)},
    )


def _initial_for_new():
    """A new resolution starts from the last one's people, so they are typed once."""
    last = Resolution.objects.order_by("-council_date", "-pk").first()
    if last is None:
        return {}
    return {name: getattr(last, name) for name in PEOPLE}


# The form's button that fills the execution's texts with the generated ones, saving nothing.
FILL_EXECUTION = "fill_execution"


def _fill_execution(request, resolution):
    """The posted form again, unsaved, its execution texts replaced by the generated ones for the
    secretary to start from; and the previous resolution they come from."""
    data = request.POST.copy()
    try:
        council_date = ResolutionForm().fields["council_date"].clean(data.get("council_date"))
    except ValidationError:
        council_date = None
    previous = None
    if council_date is None:
        messages.error(
            request,
            _(
                "Give the council's date first: the previous resolution is the last one adopted "
                "before it."
            ),
        )
    else:
        probe = Resolution(pk=resolution.pk if resolution else None, council_date=council_date)
        previous = previous_execution.previous_resolution(probe)
        for name, text in previous_execution.generated_fields(probe, timezone.localdate()).items():
            data[name] = text  # replaces what was posted (QueryDict.update would append)
        if previous is None:
            messages.warning(
                request,
                _(
                    "No resolution was adopted before this council's date: there is nothing to "
                    "fill in, and the document has no such section."
                ),
            )
        else:
            messages.info(
                request,
                _(
                    "The execution of the previous resolution has been filled in as generated; "
                    "edit it and save."
                ),
            )
    form = ResolutionForm(data, instance=resolution)
    return form, ItemFormSet(data, prefix="items"), previous


def _form_page(request, form, items, resolution, previous):
    return render(
        request,
        "reports/resolution_form.html",
        {"form": form, "items": items, "resolution": resolution, "previous": previous},
    )


@can_change
@require_http_methods(["GET", "POST"])
def resolution_create(request):
    if request.method == "POST" and FILL_EXECUTION in request.POST:
        form, items, previous = _fill_execution(request, None)
        return _form_page(request, form, items, None, previous)
    if request.method == "POST":
        form = ResolutionForm(request.POST)
        items = ItemFormSet(request.POST, prefix="items")
        if form.is_valid() and items.is_valid():
            resolution = service.create_resolution(
                {name: form.cleaned_data[name] for name in form.Meta.fields}, items.items()
            )
            messages.success(request, _("The draft resolution has been created."))
            return redirect("resolutions:detail", resolution.pk)
    else:
        form = ResolutionForm(initial=_initial_for_new())
        items = ItemFormSet(prefix="items", initial=item_initial(service.DEFAULT_ITEMS))
    return _form_page(request, form, items, None, None)


def _refuse_adopted(request, resolution):
    messages.error(request, _("This resolution has been adopted and can no longer be changed."))
    return redirect("resolutions:detail", resolution.pk)


@can_change
@require_http_methods(["GET", "POST"])
def resolution_edit(request, pk):
    resolution = get_object_or_404(_resolutions(), pk=pk)
    if resolution.is_adopted:
        return _refuse_adopted(request, resolution)
    if request.method == "POST" and FILL_EXECUTION in request.POST:
        form, items, previous = _fill_execution(request, resolution)
        return _form_page(request, form, items, resolution, previous)
    if request.method == "POST":
        form = ResolutionForm(request.POST, instance=resolution)
        items = ItemFormSet(request.POST, prefix="items")
        if form.is_valid() and items.is_valid():
            try:
                service.update_resolution(
                    resolution,
                    {name: form.cleaned_data[name] for name in form.Meta.fields},
                    items.items(),
                )
            except ResolutionFrozen:
                return _refuse_adopted(request, resolution)
            messages.success(request, _("The draft resolution has been saved."))
            return redirect("resolutions:detail", resolution.pk)
    else:
        form = ResolutionForm(instance=resolution)
        current = [
            tuple(getattr(item, name) for name in service.ITEM_FIELDS)
            for item in resolution.items.all()
        ]
        items = ItemFormSet(prefix="items", initial=item_initial(current))
    previous = previous_execution.previous_resolution(resolution)
    return _form_page(request, form, items, resolution, previous)


def _language_links(request, resolution, current):
    base = reverse("resolutions:detail", args=[resolution.pk])
    return [
        {"code": code, "name": name, "url": f"{base}?lang={code}", "current": code == current}
        for code, name in settings.LANGUAGES
    ]


@can_read
@require_GET
def resolution_detail(request, pk):
    resolution, document = _document(request, pk)
    return render(
        request,
        "reports/resolution_detail.html",
        {
            "resolution": resolution,
            "document": document,
            "languages": _language_links(request, resolution, document.language),
            "can_edit": service.can_edit(request.user) and not resolution.is_adopted,
            # With a worker, the PDF is prepared in the background (resolution_pdf_job).
            "pdf_as_job": jobs.queued(),
        },
    )


def _plan_forms(resolution, data=None):
    """One form per item: who executes it and by when, first as its words suggest."""
    forms = []
    for item in resolution.items.all():
        plan = execution.guess_plan(item, resolution.council_date)
        forms.append(
            (
                item,
                PlanForm(
                    data,
                    prefix=f"item{item.pk}",
                    versioned=False,
                    initial=PlanForm.initial_of(plan),
                ),
            )
        )
    return forms


@can_change
@require_http_methods(["GET", "POST"])
def resolution_adopt(request, pk):
    resolution = get_object_or_404(_resolutions(), pk=pk)
    if resolution.is_adopted:
        messages.info(request, _("This resolution has already been adopted."))
        return redirect("resolutions:detail", resolution.pk)
    plans = _plan_forms(resolution, request.POST if request.method == "POST" else None)
    if request.method == "POST" and all(form.is_valid() for _item, form in plans):
        try:
            service.adopt(resolution, request.user, {item.pk: form.plan() for item, form in plans})
        except ResolutionFrozen:
            messages.info(request, _("This resolution has already been adopted."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "The resolution has been adopted; its figures are now fixed as they are, and "
                    "its items are assigned to their responsibles."
                ),
            )
        return redirect("resolutions:detail", resolution.pk)
    document = service.build_document(resolution, settings.LANGUAGE_CODE)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reports/resolution_adopt.html",
        {
            "resolution": resolution,
            "document": document,
            "plans": [(item, form, item.order + 1) for item, form in plans],
            "kinds": deadlines.with_dates(resolution.council_date),
        },
        status=status,
    )


def _attachment(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@can_read
@require_GET
def resolution_docx(request, pk):
    _resolution, document = _document(request, pk)
    return _attachment(documents.render_docx(document), DOCX_TYPE, f"{document.filename_stem}.docx")


@can_read
@require_GET
def resolution_pdf(request, pk):
    _resolution, document = _document(request, pk)
    try:
        content = documents.render_pdf(document)
    except documents.DocumentLibrariesMissing:
        return HttpResponse(
            documents.LIBRARIES_MISSING,
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    return _attachment(content, "application/pdf", f"{document.filename_stem}.pdf")


@can_read
@require_POST
def resolution_pdf_job(request, pk):
    """Prepare the PDF as a background job; its page offers the file when it is ready."""
    resolution = get_object_or_404(_resolutions(), pk=pk)
    job = jobs.run(
        JobKind.RESOLUTION_PDF, request.user, resolution=resolution.pk, language=_language(request)
    )
    return redirect("jobs:detail", job.pk)
