"""A filled group summary workbook uploaded back: its grades written through the one grade writer
(sessions_app.services.write_grades), all or nothing.

- The file passes portal.uploads' check (type, size, bombs, formulas), then must carry the
  signed identity of this group's summary in this session (reports.summary.workbook).
- A typed cell means what sessions_app.forms.parse_grade says; a cell it refuses is named as
  Excel names it ("D7: …").
- The values the workbook was written with are what the person started from: only the cells they
  changed are written, and a cell someone else changed since the download is a conflict
  (sessions_app.services.merge, the grade sheet page's rule). Under the session's row lock, so no
  save slips in between the comparison and the write.
- The writer's refusals (a closed sheet, the АКЖ rules, the deadline) come back with their cell.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from portal import workbook_identity
from portal.uploads import XLSX, Refused, inspect_upload
from sessions_app import services
from sessions_app.choices import ChangeSource, SheetStatus
from sessions_app.forms import grade_cell_text, parse_grade
from sessions_app.ledger import lock_sessions
from sessions_app.models import Assessment, Grade, GradeSheet
from sessions_app.rules import RETAKE
from sessions_app.services.merge import merge

from .sheet import contingent
from .workbook import (
    ATTEMPTS,
    BOOK_COL,
    FIRST_GRADE_COL,
    FIRST_ROW,
    HEAD_ROW,
    SALT,
)

BLANK = ("", None)
# A group's summary has a few dozen rows; the workbook is read whole only below this.
MAX_ROWS = 2000
# Refusals listed in full; past this many the message says how many more there are.
MAX_MESSAGES = 30


class SummaryRefused(Refused):
    """The upload was refused as a whole and nothing was written; `messages` say why, each
    naming its cell where it has one."""


@dataclass
class Uploaded:
    changed: int  # grades written
    others: int  # cells someone else had changed since the download, kept as they saved them


@dataclass(frozen=True)
class Target:
    """A grade column of the workbook: its assessment and attempt."""

    assessment: object
    attempt: str


def _text(value):
    """A cell's value as typed: Excel keeps 5 as a number, sometimes as 5.0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _typed(value):
    """(value, points) of parse_grade's answer, as the grade writer takes them."""
    if isinstance(value, int):
        return services.points_to_value(value), value
    return value, None


def _identity(book, filename, session, group):
    """The signed identity of the workbook, refused unless it is this group's summary."""
    refused = SummaryRefused(
        _(
            "“%(file)s” is not a group summary sheet downloaded from the portal (or its hidden "
            "part was changed): download the summary again and fill that file in."
        )
        % {"file": filename}
    )
    try:
        payload = workbook_identity.read(book, SALT)
    except (workbook_identity.IdentityMissing, workbook_identity.IdentityChanged):
        raise refused from None
    if payload.get("session") != session.pk or payload.get("group") != group.pk:
        raise SummaryRefused(
            _(
                "“%(file)s” is the summary sheet of another group or exam session, not of group "
                "%(group)s in %(session)s: nothing was written."
            )
            % {"file": filename, "group": group.name, "session": session}
        )
    return payload


def _targets(payload, sheet, session, group):
    """The grade columns: {column number: Target}, refused when an assessment is gone or the
    columns were moved."""
    assessments = Assessment.objects.filter(session=session, group=group).select_related(
        "discipline"
    )
    by_id = {assessment.pk: assessment for assessment in assessments}
    targets = {}
    for index, (assessment_id, attempt) in enumerate(payload["columns"]):
        col = FIRST_GRADE_COL + index
        assessment = by_id.get(assessment_id)
        if assessment is None:
            raise SummaryRefused(
                _(
                    "Column %(column)s: its assessment has been deleted since the file was "
                    "downloaded. Download the summary again."
                )
                % {"column": get_column_letter(col)}
            )
        if attempt == ATTEMPTS[0]:
            heading = _text(sheet.cell(HEAD_ROW, col).value)
            if heading != assessment.discipline.name:
                raise SummaryRefused(
                    _(
                        "%(cell)s: “%(found)s” stands where “%(expected)s” was: the columns were "
                        "moved. Keep the columns as downloaded."
                    )
                    % {
                        "cell": f"{get_column_letter(col)}{HEAD_ROW}",
                        "found": heading,
                        "expected": assessment.discipline.name,
                    }
                )
        targets[col] = Target(assessment, attempt)
    return targets


def _students(sheet, session, group, errors):
    """{row number: student} of the workbook's rows, found by record book among the group's
    contingent; an unknown or repeated record book is an error naming its cell."""
    known = {a.student.record_book: a.student for a in contingent(session, group)}
    rows, seen = {}, {}
    row = FIRST_ROW
    while True:
        book = _text(sheet.cell(row, BOOK_COL).value)
        if not book:
            return rows
        cell = f"{get_column_letter(BOOK_COL)}{row}"
        student = known.get(book)
        if student is None:
            errors.append(
                _("%(cell)s: no student with the record book “%(book)s” in group %(group)s.")
                % {"cell": cell, "book": book, "group": group.name}
            )
        elif student.pk in seen:
            errors.append(
                _("%(cell)s: the record book “%(book)s” is also on row %(row)s.")
                % {"cell": cell, "book": book, "row": seen[student.pk]}
            )
        else:
            rows[row] = student
            seen[student.pk] = row
        row += 1


def _wanted(sheet, payload, targets, students, errors):
    """What the person typed and what they started from, {key: (value, points)} each, and the
    cell of each key; the cells parse_grade refuses are errors naming the cell. Every cell is
    kept, changed or not: the merge writes the changed ones and counts the others that someone
    else changed since the download."""
    wanted, started, cells = {}, {}, {}
    for row, student in students.items():
        originals = payload["originals"].get(str(student.pk), [])
        for col, target in targets.items():
            index = col - FIRST_GRADE_COL
            key = (target.assessment.pk, student.pk, target.attempt)
            cells[key] = f"{get_column_letter(col)}{row}"
            kind = target.assessment.kind
            try:
                typed = _typed(parse_grade(_text(sheet.cell(row, col).value), kind))
            except ValidationError as error:
                errors.append(f"{cells[key]}: {' '.join(error.messages)}")
                continue
            original = originals[index] if index < len(originals) else ""
            try:
                start = _typed(parse_grade(original, kind))
            except ValidationError:
                start = BLANK
            wanted[key], started[key] = typed, start
    return wanted, started, cells


def _current(keys):
    """{key: (value, points)} of the stored grades of `keys`."""
    assessment_ids = {key[0] for key in keys}
    student_ids = {key[1] for key in keys}
    grades = Grade.objects.filter(assessment_id__in=assessment_ids, student_id__in=student_ids)
    return {
        (g.assessment_id, g.student_id, g.attempt): (g.value, g.points)
        for g in grades.only("assessment_id", "student_id", "attempt", "value", "points")
    }


def _shown(value):
    """A (value, points) as its cell shows it."""
    return grade_cell_text(*value) or "—"


def _conflict_messages(conflicts, cells):
    return [
        _(
            "%(cell)s: you typed “%(mine)s”, but someone saved “%(theirs)s” after the file was "
            "downloaded (it held “%(started)s”). Download the summary again and redo this cell."
        )
        % {
            "cell": cells[key],
            "mine": _shown(conflict.mine),
            "theirs": _shown(conflict.theirs),
            "started": _shown(conflict.started),
        }
        for key, conflict in sorted(conflicts.items(), key=lambda item: _cell_order(cells[item[0]]))
    ]


def _locked_messages(error, writes, cells):
    """A closed sheet or the deadline refuses the write as a whole: name the first cell of each
    closed sheet it would have changed."""
    pairs = {(key[0], key[2]) for key in writes}
    closed = GradeSheet.objects.filter(
        assessment_id__in={a for a, _attempt in pairs},
        status__in=(SheetStatus.SUBMITTED, SheetStatus.LOCKED),
    ).select_related("assessment__discipline")
    messages = []
    for sheet in closed:
        if (sheet.assessment_id, sheet.attempt) not in pairs:
            continue
        first = min(
            (
                cells[key]
                for key in writes
                if (key[0], key[2]) == (sheet.assessment_id, sheet.attempt)
            ),
            key=lambda cell: (len(cell), cell),
        )
        messages.append(
            _("%(cell)s (%(discipline)s, %(attempt)s): %(message)s")
            % {
                "cell": first,
                "discipline": sheet.assessment.discipline.name,
                "attempt": "АКЖ" if sheet.attempt == RETAKE else _("main"),
                "message": sheet_closed_text(sheet),
            }
        )
    return messages or [str(error)]


def sheet_closed_text(sheet):
    return _("the sheet is %(status)s: reopen it before changing its grades.") % {
        "status": sheet.get_status_display()
    }


def _cap(messages):
    if len(messages) <= MAX_MESSAGES:
        return messages
    rest = len(messages) - MAX_MESSAGES
    return [*messages[:MAX_MESSAGES], _("… and %(count)s more.") % {"count": rest}]


def _write(session, user, wanted, started, cells, filename):
    """Merge with what is stored now and write, under the session's row lock; or refuse all."""
    with transaction.atomic():
        lock_sessions([session.pk])
        try:
            writes, others = merge(wanted, started, _current(wanted), BLANK)
        except services.Conflicts as conflicts:
            raise SummaryRefused(_conflict_messages(conflicts.conflicts, cells)) from None
        entries = [
            services.GradeEntry(*key, value, points) for key, (value, points) in writes.items()
        ]
        try:
            counts = services.write_grades(
                entries,
                user,
                source=ChangeSource.IMPORT,
                reason=_("group summary sheet “%(file)s”") % {"file": filename},
            )
        except services.InvalidGrades as invalid:
            messages = [f"{cells[key]}: {message}" for key, message in invalid.errors.items()]
            raise SummaryRefused(_cap(sorted(messages, key=_cell_order))) from None
        except services.SheetLocked as locked:
            raise SummaryRefused(_locked_messages(locked, writes, cells)) from None
    return Uploaded(counts["grades"].changed, others)


def _cell_order(message):
    reference = message.split(":", 1)[0]
    letters = reference.rstrip("0123456789")
    return (int(reference[len(letters) :] or 0), len(letters), letters)


def import_summary(upload, session, group, user, filename=None):
    """Write the grades of an uploaded summary workbook of `group` in `session`, or nothing.
    Returns Uploaded; raises UploadRefused (the file's check) or SummaryRefused."""
    filename = filename or getattr(upload, "name", "") or "—"
    inspection = inspect_upload(upload, filename, kinds=(XLSX,))
    if any(sheet.rows > MAX_ROWS for sheet in inspection.sheets):
        # A summary is a group's: a sheet far longer is not one, and is not read whole.
        raise SummaryRefused(
            _("“%(file)s” has more than %(rows)s rows: it is not a group summary sheet.")
            % {"file": filename, "rows": MAX_ROWS}
        )
    book = load_workbook(upload, data_only=True)
    payload = _identity(book, filename, session, group)
    sheet = book.worksheets[0]
    targets = _targets(payload, sheet, session, group)
    errors = []
    students = _students(sheet, session, group, errors)
    wanted, started, cells = _wanted(sheet, payload, targets, students, errors)
    if errors:
        raise SummaryRefused(_cap(sorted(errors, key=_cell_order)))
    return _write(session, user, wanted, started, cells, filename)
