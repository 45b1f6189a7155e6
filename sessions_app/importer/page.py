"""What the results import page (sessions_app.views.imports) and its background job
(sessions_app.jobs) share: where an uploaded file waits for its confirmation, and the context of
the page's three templates (upload, preview, result), for a file checked in the request or by a
job."""

from django.utils.translation import gettext as _

from academics.models import StaffMember
from portal import uploads
from portal.staging import Staging

from ..tables import ImportColumnTable, ImportCountTable
from .columns import COLUMNS, OPTIONAL_COLUMNS, header, other_headers
from .errors import GROUPS_SHOWN, group_errors
from .workbook import MAX_ROWS, sheet_name

# The uploaded workbooks, under MEDIA_ROOT/imports/<token>.xlsx until confirmed.
STAGING = Staging("imports", ".xlsx", session_key="results_imports")
ERRORS_SHOWN = 1000


def page_context(result=None, **extra):
    """The import page's context: the limits and the columns, and a result's counts and first
    errors (an ImportResult, or what a job kept of one: sessions_app.jobs.StoredResult)."""
    # Each column by its header in the interface's language, as the template heads it.
    columns = [
        (header(column), column in OPTIONAL_COLUMNS, other_headers(column)[:3])
        for column in COLUMNS
    ]
    context = {
        "sheet_name": sheet_name(),
        "max_mb": uploads.max_bytes() // (1024 * 1024),
        "max_rows": MAX_ROWS,
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
        # One line per kind of error (a job's stored result keeps the first kinds, and their
        # count).
        groups = getattr(result, "groups", None)
        if groups is None:
            groups = group_errors(result.errors)
        context["error_groups"] = groups[:GROUPS_SHOWN]
        group_count = getattr(result, "group_count", len(groups))
        context["groups_hidden"] = max(group_count - GROUPS_SHOWN, 0)
        # The examiners the teaching staff did not hold: added, for the academic department to
        # complete (importer.examiners).
        context["staff_added"] = sum(
            counts.created for model, counts in result.count_rows() if model is StaffMember
        )
        context["counts_table"] = ImportCountTable(
            context["counts"],
            caption=_("What the import would do") if result.dry_run else _("What the import did"),
        )
    context.update(extra)
    return context
