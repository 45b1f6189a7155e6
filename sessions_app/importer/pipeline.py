"""The import's stages, one after the other: read, rows, resolve, check, plan, write; with the
progress a job shows and the time of each phase, which the benchmarks print."""

import gc
import threading
import time
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from academics.querysets import NO_FACULTY, user_faculty_id

from .. import services
from .check import check, check_rules
from .columns import COLUMNS, read_headers
from .examiners import resolve_examiners
from .plan import plan
from .records import read_rows
from .resolve import resolve
from .results import ImportRefused, ImportResult, RowError
from .workbook import Sheet, read_sheet
from .write import RowsRefused, write

PROGRESS_EVERY = 1000  # rows between two calls of an import's progress callback
# The cyclic garbage collector's first threshold while an import runs (Python's default: 700).
COLLECT_EVERY = 50_000


def can_import(user):
    """Superusers, and dean's office staff for their own faculty's rows."""
    if user.is_superuser:
        return True
    faculty_id = user_faculty_id(user)
    return faculty_id not in (None, NO_FACULTY) and user.has_perm("sessions_app.change_grade")


def import_results(
    source, user=None, dry_run=False, today=None, progress=None, filename=None, checked=None
):
    """Import a results workbook (a path, bytes or a binary file), or say why not.

    With `dry_run` nothing is written and the result holds what would be. `user` is who imports:
    None for the system (the command without --user); a dean's office user may only import the
    rows of their faculty. Raises ImportRefused for a file that cannot be read as a whole.

    `progress`, when given, is called as progress(stage, done, total) with the stage "read",
    "check" or "write" and the rows done of the total (0 of 0 while writing: the write is one
    transaction, whose progress nobody else could see), every PROGRESS_EVERY rows at most.

    `filename` names the file in a refusal (by default the file's own name); `checked` is what
    check_workbook() answered for this file, which spares checking it twice.
    """
    started = time.perf_counter()
    sheet = read_sheet(source, filename, checked)
    try:
        timings = {"open": time.perf_counter() - started}
        with _collecting_less():
            return _run(sheet, user, today or timezone.localdate(), dry_run, progress, timings)
    finally:
        sheet.close()


def import_rows(rows, user=None, dry_run=False, today=None):
    """Import results given as dicts keyed by the English column names, as if read from a file:
    the same checks and writes (the demo session is loaded this way)."""
    headers = [column for column in COLUMNS if any(column in row for row in rows[:1])]
    sheet = Sheet(
        name="results",
        headers=headers,
        rows=iter([[row.get(column, "") for column in headers] for row in rows]),
        first_row=0,
        first_column=0,
        row_count=len(rows),
    )
    with _collecting_less():
        return _run(sheet, user, today or timezone.localdate(), dry_run, None, {})


_collecting = threading.Lock()
_imports_running = 0
_thresholds = None


@contextmanager
def _collecting_less():
    """An import makes millions of small objects that hold no cycles (cells, records, entries)
    and keeps hundreds of thousands alive; at Python's default thresholds the collector walks
    the young ones every 700 allocations and the old ones ever more often as they grow: reading
    100 000 rows took 0.74 s, 0.47 s with collections every COLLECT_EVERY allocations. The
    thresholds are the process's: the first import running sets them, the last restores them."""
    global _imports_running, _thresholds
    with _collecting:
        if not _imports_running:
            _thresholds = gc.get_threshold()
            gc.set_threshold(max(COLLECT_EVERY, _thresholds[0]), *_thresholds[1:])
        _imports_running += 1
    try:
        yield
    finally:
        with _collecting:
            _imports_running -= 1
            if not _imports_running:
                gc.set_threshold(*_thresholds)


def _reporting(items, progress, stage, total):
    """`items`, calling progress(stage, done, total) every PROGRESS_EVERY of them."""
    progress(stage, 0, total)
    done = 0
    for done, item in enumerate(items, start=1):
        if not done % PROGRESS_EVERY:
            progress(stage, done, total)
        yield item
    progress(stage, done, max(total, done))


def _timed(timings, phase, step, *args):
    started = time.perf_counter()
    value = step(*args)
    timings[phase] = time.perf_counter() - started
    return value


def _run(sheet, user, today, dry_run, progress, timings):
    headers = read_headers(sheet.headers, sheet.first_column)
    rows = sheet.rows
    if progress is not None:
        # A wrapper rather than a test in the loop: without progress the loop is as it was.
        rows = _reporting(rows, progress, "read", max(sheet.row_count - 1, 0))
    file = _timed(timings, "read", read_rows, rows, headers, sheet.first_row + 1)
    if file.count == 0:
        raise ImportRefused(
            _("The sheet “%(sheet)s” has headers but no rows.") % {"sheet": sheet.name}
        )
    result = ImportResult(rows=file.count, dry_run=dry_run, timings=timings)
    resolved = _timed(timings, "resolve", _resolve, file)
    if progress is not None:
        progress("check", 0, len(file.rows))
    scope = user_faculty_id(user) if user is not None else None
    # The grade rules are checked once: here for a dry run, by the writers (under the sessions'
    # locks) for an import that writes, and here again only to name the rows a writer refused.
    checked = _timed(timings, "check", check, file, resolved, user, scope, today, dry_run)
    if progress is not None:
        progress("check", len(file.rows), len(file.rows))
    result.errors = checked.errors
    if result.errors:
        return result
    planned = _timed(timings, "plan", plan, file, resolved, checked)
    result.counts = planned.counts
    if dry_run:
        return result
    if progress is not None:
        progress("write", 0, 0)
    try:
        written = _timed(
            timings, "write", write, file, resolved, checked, planned, user, today, timings
        )
    except RowsRefused as refused:
        result.errors = _named(file, resolved, user, today) or sorted(
            refused.errors, key=lambda error: error.row or 0
        )
        return result
    except PermissionDenied as error:
        result.errors = [RowError(None, "", str(error), forbidden=True)]
        return result
    except services.SheetError as error:
        result.errors = _named(file, resolved, user, today) or [RowError(None, "", str(error))]
        return result
    result.counts.update(written)
    result.written = True
    return result


def _resolve(file):
    resolved = resolve(file)
    resolve_examiners(file, resolved)
    return resolved


def _named(file, resolved, user, today):
    """A writer refused the file (nothing was written): every refused row, by row and column,
    as a dry run would name them (the rules checked against the portal as it is)."""
    return check_rules(file, resolved, user, today).errors
