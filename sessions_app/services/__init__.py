"""The only writers of grades, admissions and sheet states. Each write takes its sessions' row
locks, checks the user's faculty, then the rules (sessions_app.rules) against what is stored
(sessions_app.ledger), and leaves an audit row for every change; the grade sheet, the admission
page, the results import, the admin and code all come through here:

- grades: write_grades (many at once: the import, code) and record_grades (one sheet, merged with
  what someone else saved meanwhile: the page), in services.grades;
- admissions: write_admissions and set_admissions (the page), and ensure_admissions (a student
  who joins a group joins the session's contingent), in services.admissions;
- sheets: submit_sheet, lock_sheet, reopen_sheet, and the list of a sheet's students (roster),
  in services.sheets;
- examiners: set_examiner (the page) and write_examiners (the import), in services.examiners.
"""

from .admissions import (
    AdmissionEntry,
    check_admissions,
    ensure_admissions,
    set_admissions,
    version_of,
    write_admissions,
)
from .bulk import IMPORT_BATCH, insert_rows
from .errors import (
    Conflict,
    Conflicts,
    InvalidGrades,
    Saved,
    SheetError,
    SheetLocked,
    StaleSheet,
    WriteCounts,
)
from .examiners import ExaminerEntry, refused_examiners, set_examiner, write_examiners
from .grades import (
    GradeEntry,
    check_grades,
    passed_deadlines,
    points_to_value,
    record_grades,
    write_grades,
)
from .sheets import RosterRow, lock_sheet, open_sheet, reopen_sheet, roster, submit_sheet

__all__ = [
    "IMPORT_BATCH",
    "AdmissionEntry",
    "Conflict",
    "Conflicts",
    "ExaminerEntry",
    "GradeEntry",
    "InvalidGrades",
    "RosterRow",
    "Saved",
    "SheetError",
    "SheetLocked",
    "StaleSheet",
    "WriteCounts",
    "check_admissions",
    "check_grades",
    "ensure_admissions",
    "insert_rows",
    "lock_sheet",
    "open_sheet",
    "passed_deadlines",
    "points_to_value",
    "record_grades",
    "refused_examiners",
    "reopen_sheet",
    "roster",
    "set_admissions",
    "set_examiner",
    "submit_sheet",
    "version_of",
    "write_admissions",
    "write_examiners",
    "write_grades",
]
