"""The results import page: upload, a dry run's preview, confirm; and the template workbook.

The uploaded file waits for the confirmation under MEDIA_ROOT/imports/, named by a random token
that only the uploader's session knows; the confirmation imports it again from scratch (the
portal may have changed in between) and deletes it.
"""

import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jobs import services as jobs
from jobs.choices import JobKind
from portal import uploads

from .. import importer
from ..jobs import StoredResult, result_document
from ..tables import ImportColumnTable, ImportCountTable, ImportErrorTable

SESSION_KEY = "results_imports"
# The errors of the last file checked with errors, read back for their list's other pages.
CHECKED_KEY = "results_import_checked"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# A preview not confirmed within a day is forgotten; its file is deleted by a later upload.
KEEP_SECONDS = 24 * 3600
ERRORS_SHOWN = 1000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_dir():
    return Path(settings.MEDIA_ROOT) / "imports"


def _path(token):
    return upload_dir() / f"{token}.xlsx"


def _forget_old_uploads():
    cutoff = time.time() - KEEP_SECONDS
    for path in upload_dir().glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass


def _save(upload):
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _forget_old_uploads()
    token = secrets.token_urlsafe(24)
    with open(_path(token), "xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def _drop(request, token):
    _path(token).unlink(missing_ok=True)
    _forget(request, token)


def _forget(request, token):
    pending = request.session.get(SESSION_KEY, {})
    if pending.pop(token, None) is not None:
        request.session[SESSION_KEY] = pending


def upload_path(token):
    """The uploaded file a token names (sessions_app.jobs reads it)."""
    return _path(token)


def is_pending(request, token):
    return token in request.session.get(SESSION_KEY, {}) and _path(token).exists()


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


def _context(result=None, **extra):
    columns = [
        (column, column in importer.OPTIONAL_COLUMNS, importer.COLUMNS[column][:2])
        for column in importer.COLUMNS
    ]
    context = {
        "max_mb": uploads.max_bytes() // (1024 * 1024),
        "max_rows": importer.MAX_ROWS,
        "columns": columns,
        "columns_table": ImportColumnTable(
            [
                {"column": column, "optional": optional, "aliases": aliases}
                for column, optional, aliases in columns
            ]
        ),
    }
    if result is not None:
        context.update(
            result=result,
            counts=[
                {
                    "label": model._meta.verbose_name_plural,
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                }
                for model, counts in result.count_rows()
            ],
            errors=result.errors[:ERRORS_SHOWN],
            # A job's stored result keeps only the first errors, and their count.
            error_count=getattr(result, "error_count", len(result.errors)),
            error_rows=getattr(result, "error_rows", None)
            or len({error.row for error in result.errors if error.row}),
        )
        context["errors_hidden"] = max(context["error_count"] - ERRORS_SHOWN, 0)
        # Shown by the template, which pages them by the request (?errors-page=2): a job's
        # page builds this context without it.
        context["counts_table"] = ImportCountTable(
            context["counts"],
            caption=_("What the import would do") if result.dry_run else _("What the import did"),
        )
        context["errors_table"] = ImportErrorTable(context["errors"])
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
def import_results(request):
    if not importer.can_import(request.user):
        raise PermissionDenied
    if request.method == "POST":
        request.session.pop(CHECKED_KEY, None)
        if "token" in request.POST:
            return _confirm(request)
        return _preview(request)
    if any(key.startswith(ImportErrorTable._meta.prefix) for key in request.GET):
        page = _checked_again(request)
        if page is not None:
            return page
    request.session.pop(CHECKED_KEY, None)
    return render(request, "sessions_app/import.html", _context())


def _with_errors(request, template, result, filename):
    """The preview or result of a file with errors. The file is not kept, its errors are (in
    the session, until the next upload): the errors list's other pages read them back."""
    request.session[CHECKED_KEY] = {"filename": filename, "result": result_document(result)}
    return render(
        request,
        template,
        _context(result, filename=filename),
        status=403 if result.forbidden else 200,
    )


def _checked_again(request):
    checked = request.session.get(CHECKED_KEY)
    if checked is None:
        return None
    result = StoredResult(checked["result"])
    template = (
        "sessions_app/import_preview.html" if result.dry_run else "sessions_app/import_result.html"
    )
    return render(
        request,
        template,
        _context(result, filename=checked["filename"]),
        status=403 if result.forbidden else 200,
    )


def _refused(request, messages, status=400):
    return render(request, "sessions_app/import.html", _context(refused=messages), status=status)


def _preview(request):
    upload = request.FILES.get("file")
    if upload is None:
        return _refused(request, [_("Choose the results workbook (.xlsx) to import.")])
    try:
        # The portal's upload check (size, type, zip and XML bombs), the sheet and its formulas.
        checked = importer.check_workbook(upload)
    except importer.ImportRefused as refusal:
        return _refused(request, refusal.messages)
    token = _save(upload)
    if _as_job(checked):
        pending = request.session.get(SESSION_KEY, {})
        pending[token] = upload.name
        request.session[SESSION_KEY] = pending
        return _start_job(request, token, upload.name, dry_run=True)
    try:
        result = importer.import_results(
            _path(token), user=request.user, dry_run=True, checked=checked
        )
    except importer.ImportRefused as refusal:
        _path(token).unlink(missing_ok=True)
        return _refused(request, refusal.messages)
    if not result.ok:
        _path(token).unlink(missing_ok=True)
        return _with_errors(request, "sessions_app/import_preview.html", result, upload.name)
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = upload.name
    request.session[SESSION_KEY] = pending
    return render(
        request,
        "sessions_app/import_preview.html",
        _context(result, filename=upload.name, token=token),
    )


def _confirm(request):
    token = request.POST.get("token", "")
    pending = request.session.get(SESSION_KEY, {})
    if not TOKEN.match(token) or token not in pending or not _path(token).exists():
        return _refused(
            request,
            [_("This preview has expired or was already imported. Upload the file again.")],
        )
    filename = pending[token]
    try:
        # The preview's answer is not kept in the session: the file is checked again.
        checked = importer.check_workbook(_path(token), filename)
    except importer.ImportRefused as refusal:
        _drop(request, token)
        return _refused(request, refusal.messages)
    if _as_job(checked):
        # The token is used up now; the file stays until the job has imported it.
        _forget(request, token)
        return _start_job(request, token, filename, dry_run=False)
    try:
        result = importer.import_results(
            _path(token), user=request.user, filename=filename, checked=checked
        )
    except importer.ImportRefused as refusal:
        return _refused(request, refusal.messages)
    finally:
        _drop(request, token)
    if not result.ok:
        return _with_errors(request, "sessions_app/import_result.html", result, filename)
    return render(
        request,
        "sessions_app/import_result.html",
        _context(result, filename=filename),
        status=403 if result.forbidden else 200,
    )


@require_http_methods(["GET"])
def template(request):
    response = HttpResponse(importer.build_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="results-template.xlsx"'
    return response
