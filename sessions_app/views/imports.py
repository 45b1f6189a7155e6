"""The results import page: upload, a dry run's preview, confirm; and the template workbook.

The uploaded file waits for the confirmation under MEDIA_ROOT/imports/, named by a random token
that only the uploader's session knows (importer.page.STAGING, shared with the import's job); the
confirmation imports it again from scratch (the portal may have changed in between) and deletes
it.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jobs import services as jobs
from jobs.choices import JobKind

from .. import importer
from ..importer.errors import ERRORS, errors_workbook, keep_errors, kept_errors
from ..importer.page import STAGING, page_context

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _as_job(checked):
    """Whether the file is big enough to be checked and imported as a background job."""
    return checked.rows > settings.RESULTS_IMPORT_INLINE_ROWS


def _start_job(request, token, filename, dry_run):
    """Run the check or the import as a job (queued with REDIS_URL, else now) and show its
    page, which ends with the same preview or result as this page."""
    job = jobs.run(
        JobKind.RESULTS_IMPORT, request.user, token=token, filename=filename, dry_run=dry_run
    )
    return redirect("jobs:detail", job.pk)


@require_http_methods(["GET", "POST"])
def import_results(request):
    if not importer.can_import(request.user):
        raise PermissionDenied
    if request.method == "POST":
        if "token" in request.POST:
            return _confirm(request)
        return _preview(request)
    return render(request, "sessions_app/import.html", page_context())


def _with_errors(request, template, result, filename):
    """The preview or result of a file with errors, grouped by kind. The file is not kept, its
    errors are, for their download (importer.errors)."""
    token = keep_errors(result.errors)
    ERRORS.remember(request, token, filename)
    return render(
        request,
        template,
        page_context(result, filename=filename, errors_token=token),
        status=403 if result.forbidden else 200,
    )


def _refused(request, messages, status=400):
    return render(
        request, "sessions_app/import.html", page_context(refused=messages), status=status
    )


def _preview(request):
    upload = request.FILES.get("file")
    if upload is None:
        return _refused(request, [_("Choose the results workbook (.xlsx) to import.")])
    try:
        # The portal's upload check (size, type, zip and XML bombs), the sheet and its formulas.
        checked = importer.check_workbook(upload)
    except importer.ImportRefused as refusal:
        return _refused(request, refusal.messages)
    token = STAGING.save(upload)
    if _as_job(checked):
        STAGING.remember(request, token, upload.name)
        return _start_job(request, token, upload.name, dry_run=True)
    try:
        result = importer.import_results(
            STAGING.path(token), user=request.user, dry_run=True, checked=checked
        )
    except importer.ImportRefused as refusal:
        STAGING.delete(token)
        return _refused(request, refusal.messages)
    if not result.ok:
        STAGING.delete(token)
        return _with_errors(request, "sessions_app/import_preview.html", result, upload.name)
    STAGING.remember(request, token, upload.name)
    return render(
        request,
        "sessions_app/import_preview.html",
        page_context(result, filename=upload.name, token=token),
    )


def _confirm(request):
    token = request.POST.get("token", "")
    filename = STAGING.pending(request, token)
    if filename is None:
        return _refused(
            request,
            [_("This preview has expired or was already imported. Upload the file again.")],
        )
    try:
        # The preview's answer is not kept in the session: the file is checked again.
        checked = importer.check_workbook(STAGING.path(token), filename)
    except importer.ImportRefused as refusal:
        STAGING.discard(request, token)
        return _refused(request, refusal.messages)
    if _as_job(checked):
        # The token is used up now; the file stays until the job has imported it.
        STAGING.forget(request, token)
        return _start_job(request, token, filename, dry_run=False)
    try:
        result = importer.import_results(
            STAGING.path(token), user=request.user, filename=filename, checked=checked
        )
    except importer.ImportRefused as refusal:
        return _refused(request, refusal.messages)
    finally:
        STAGING.discard(request, token)
    if not result.ok:
        return _with_errors(request, "sessions_app/import_result.html", result, filename)
    return render(
        request,
        "sessions_app/import_result.html",
        page_context(result, filename=filename),
        status=403 if result.forbidden else 200,
    )


@require_http_methods(["GET"])
def template(request):
    response = HttpResponse(importer.build_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="results-template.xlsx"'
    return response


@require_http_methods(["GET"])
def errors(request, token):
    """Every error of a file this session checked, as a workbook."""
    if not importer.can_import(request.user):
        raise PermissionDenied
    filename = ERRORS.pending(request, token)
    if filename is None:
        raise Http404
    response = HttpResponse(errors_workbook(kept_errors(token)), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="results-errors.xlsx"'
    return response
