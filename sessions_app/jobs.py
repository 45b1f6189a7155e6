"""The results import as a background job (jobs.tasks.TASKS), and its page once it has finished:
the same preview, result or errors as the import page shows for a file checked in the request."""

from django.apps import apps
from django.shortcuts import render
from django.utils.translation import gettext as _

from jobs.choices import JobStatus
from jobs.services import JobFailed

from . import importer, services
from .importer.errors import ERRORS, GROUPS_SHOWN, ErrorGroup, group_errors, keep_errors
from .importer.page import ERRORS_SHOWN, STAGING, page_context

# The errors kept with a job, as many as the import page shows.
ERRORS_KEPT = ERRORS_SHOWN


def result_document(result):
    """An ImportResult as JSON for the Job row: counts, the first errors and kinds of error."""
    groups = group_errors(result.errors)
    return {
        "rows": result.rows,
        "dry_run": result.dry_run,
        "written": result.written,
        "forbidden": result.forbidden,
        "error_count": len(result.errors),
        "error_rows": len({error.row for error in result.errors if error.row}),
        "errors": [
            [error.row, error.column, error.message, error.forbidden, error.value]
            for error in result.errors[:ERRORS_KEPT]
        ],
        # The kinds the page lists, counted over every error, not only the ones kept.
        "groups": [list(group) for group in groups[:GROUPS_SHOWN]],
        "group_count": len(groups),
        "counts": [
            [model._meta.label_lower, counts.created, counts.updated, counts.unchanged]
            for model, counts in result.count_rows()
        ],
    }


class StoredResult:
    """What a job kept of an ImportResult, read back with the attributes the templates use."""

    def __init__(self, document):
        self.rows = document["rows"]
        self.dry_run = document["dry_run"]
        self.written = document["written"]
        self.forbidden = document["forbidden"]
        self.error_count = document["error_count"]
        self.error_rows = document["error_rows"]
        self.errors = [importer.RowError(*error) for error in document["errors"]]
        # A job kept before the errors were grouped: its kept errors, grouped.
        groups = document.get("groups")
        if groups is None:
            self.groups = group_errors(self.errors)
        else:
            self.groups = [ErrorGroup(*group) for group in groups]
        self.group_count = document.get("group_count", len(self.groups))
        self.errors_file = document.get("errors_file")
        self.counts = {
            apps.get_model(label): services.WriteCounts(created, updated, unchanged)
            for label, created, updated, unchanged in document["counts"]
        }

    @property
    def ok(self):
        return not self.error_count

    def count_rows(self):
        return [(model, self.counts[model]) for model in self.counts]


def import_results(job, progress):
    """Check (dry run) or import the uploaded file the job names; the file is deleted when the
    job ends, unless a dry run found it correct: then it waits for the confirmation."""
    token, dry_run = job.params["token"], job.params.get("dry_run", False)
    path = STAGING.path(token)
    keep = False
    try:
        if not path.exists():
            message = _("This preview has expired or was already imported. Upload the file again.")
            raise JobFailed(message, result={"refused": [message]})
        try:
            result = importer.import_results(
                path,
                user=job.owner,
                dry_run=dry_run,
                progress=progress,
                filename=job.params.get("filename"),
            )
        except importer.ImportRefused as refusal:
            raise JobFailed(" ".join(refusal.messages), {"refused": refusal.messages}) from None
        document = result_document(result)
        if not result.ok:
            document["errors_file"] = keep_errors(result.errors)
            raise JobFailed(_("The file has errors: nothing was written."), document)
        keep = dry_run
        return document
    finally:
        if not keep:
            path.unlink(missing_ok=True)


def finished_page(request, job):
    """The import page's preview, result or refusal, for a finished import job."""
    filename = job.params.get("filename", "")
    document = job.result or {}
    if "refused" in document or "rows" not in document:
        refused = document.get("refused") or [job.error or _("The job failed.")]
        return render(
            request,
            "sessions_app/import.html",
            page_context(refused=refused, job=job),
            status=400,
        )
    result = StoredResult(document)
    extra = {"filename": filename, "job": job}
    if result.errors_file and ERRORS.path(result.errors_file).exists():
        ERRORS.remember(request, result.errors_file, filename)
        extra["errors_token"] = result.errors_file
    if result.dry_run:
        template = "sessions_app/import_preview.html"
        token = job.params["token"]
        if result.ok and job.status == JobStatus.DONE and STAGING.is_pending(request, token):
            extra["token"] = token
    else:
        template = "sessions_app/import_result.html"
    return render(
        request,
        template,
        page_context(result, **extra),
        status=403 if result.forbidden else 200,
    )
