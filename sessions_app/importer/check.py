"""The rows against the portal, before anything is written.

Two kinds of check. The import's own: a dean's office imports only its faculty's rows, a program
stays in its faculty and a group in its program, a retake row follows a main row. And the grade
rules, which are not written here: the admissions and grades the write would send are checked by
the writers' own checks (services.check_admissions, services.check_grades, over
sessions_app.rules) against a Ledger of what is stored, with the file's admissions laid over it
before its grades are checked. Each refusal becomes a RowError with the refusal's own message —
the one the grade sheet and the admission page give for the same state —, the Excel row and the
column (`admitted` for an admission, `grade` for a grade) added.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.translation import gettext as _

from .. import services
from ..rules import MAIN, RETAKE
from .examiners import check_examiners
from .records import AdmissionKey, SessionStudent


class Finding(NamedTuple):
    """What the import's own checks find wrong with an Enrolment, said on each of its rows."""

    column: str
    message: str
    forbidden: bool = False


class Outcome(NamedTuple):
    """A writer's check of the entries the write would send: the entries, those that change
    what is stored (services' Change records) and how many change nothing."""

    entries: list
    changes: list
    unchanged: int


@dataclass
class Checked:
    errors: list = field(default_factory=list)  # [RowError]
    admissions: Outcome | None = None
    grades: Outcome | None = None
    examiners: list = field(default_factory=list)  # [examiners.Change] of stored assessments


def check(file, resolved, user, scope, today, with_rules=True):
    """Check the file's good rows (ResultFile.rows); their errors are added to file.errors.
    `scope` is the faculty a dean's office user may import, None for any.

    Without `with_rules` (an import that writes), the grade rules are left to the writers, which
    check them under the sessions' locks anyway: the entries are only built. Should a writer
    refuse, check_rules() names every refused row as a dry run does."""
    _check_structure(file, resolved, scope)
    _check_retake_rows(file, resolved)
    # The examiners' rule holds on the import's own terms: the rows it refuses are named here
    # whether or not the grade rules are left to the writers.
    examiners = check_examiners(file, resolved)
    if with_rules:
        checked = check_rules(file, resolved, user, today)
        checked.examiners = examiners
        return checked
    checked = Checked(errors=sorted(file.errors, key=lambda error: error.row or 0))
    checked.examiners = examiners
    checked.admissions = Outcome(admission_entries(file, resolved), None, None)
    checked.grades = Outcome(grade_entries(file, resolved), None, None)
    return checked


def check_rules(file, resolved, user, today):
    """The grade rules over the file's admissions and grades, through the writers' checks."""
    checked = Checked()
    checked.admissions = _check_admissions(file, resolved)
    checked.grades = _check_grades(file, resolved, user, today)
    checked.errors = sorted(file.errors, key=lambda error: error.row or 0)
    return checked


# The import's own checks


def _check_structure(file, resolved, scope):
    """Each distinct Enrolment once; its findings on every row that holds it."""
    findings = {}
    for enrolment in file.enrolments:
        found = _enrolment_findings(file, resolved, scope, enrolment)
        if found:
            findings[enrolment] = found
    if not findings:
        return
    for row in file.rows:
        for finding in findings.get(row.enrolment, ()):
            file.error(row.row, finding.column, finding.message, finding.forbidden)


def _enrolment_findings(file, resolved, scope, enrolment):
    found = []
    faculty_id = resolved.faculty_ids[enrolment.faculty_key]
    first = file.programs[enrolment.program]
    if resolved.faculty_ids[first.faculty_key] != faculty_id:
        found.append(
            Finding(
                "faculty",
                _("row %(row)s puts this program in the faculty “%(faculty)s”")
                % {"row": first.row, "faculty": file.faculties[first.faculty_key]},
            )
        )
    names = resolved.faculty_names
    if scope is not None and faculty_id != scope:
        found.append(
            Finding(
                "faculty",
                _("you may import only the rows of your faculty (%(faculty)s)")
                % {"faculty": names.get(scope, "—")},
                forbidden=True,
            )
        )
    program = resolved.programs.get(enrolment.program)
    if program is not None and program.faculty_id != faculty_id:
        found.append(
            Finding(
                "faculty",
                _("the program “%(program)s” belongs to the faculty “%(faculty)s”")
                % {
                    "program": resolved.program_labels[program.id],
                    "faculty": names[program.faculty_id],
                },
            )
        )
    group = resolved.groups.get(enrolment.group)
    if group is not None and (program is None or group.program_id != program.id):
        found.append(
            Finding(
                "group",
                _("the group “%(group)s” of %(year)s belongs to the program “%(program)s”")
                % {
                    "group": enrolment.group.name,
                    "year": f"{enrolment.group.year}-{enrolment.group.year + 1}",
                    "program": resolved.program_labels[group.program_id],
                },
            )
        )
    student = resolved.students.get(enrolment.record_book)
    if student is not None and scope is not None and student.faculty_id != scope:
        found.append(
            Finding(
                "student_id",
                _("this student studies in another faculty (%(faculty)s)")
                % {"faculty": names.get(student.faculty_id, "—")},
                forbidden=True,
            )
        )
    return found


def _check_retake_rows(file, resolved):
    """АКЖ follows the main session: a retake row needs the student's main admission, in the
    file or in the portal. (Not asked of a student with a bad row, who may have lost it.)"""
    ledger = resolved.ledger
    orphans = set()
    for key in file.admissions:
        if key.stage != RETAKE or key.record_book in file.tainted:
            continue
        if AdmissionKey(key.session, key.record_book, MAIN) in file.admissions:
            continue
        session_id = resolved.session_ids[key.session]
        student_id = resolved.student_ids[key.record_book]
        if ledger.admission(session_id, student_id, MAIN) is None:
            orphans.add((key.session, key.record_book))
    if not orphans:
        return
    for row in file.rows:
        enrolment = row.enrolment
        if row.mark.attempt == RETAKE and (enrolment.session, enrolment.record_book) in orphans:
            file.error(
                row.row,
                "attempt",
                _(
                    "the student has no main-session row for this session, in the file or "
                    "in the portal; АКЖ follows the main session"
                ),
            )
    # The rules would only say it again.
    file.tainted |= {record_book for _session, record_book in orphans}


# The grade rules, through the writers' checks


def admission_entries(file, resolved):
    """The AdmissionEntry of each admission of the file, of students without a bad row, with
    resolved's ids (placeholders included). A main admission takes the student's group and
    funding of its session's rows (the funding column: the session's funding on the admission;
    the student's own funding follows their latest session, see plan.py)."""
    sessions, students, groups = resolved.session_ids, resolved.student_ids, resolved.group_ids
    in_session = file.in_session
    return [
        services.AdmissionEntry(
            sessions[key.session],
            students[key.record_book],
            key.stage,
            admission.admitted,
            admission.reason,
            None,  # the note stays as it is
            groups[admission.group] if key.stage == MAIN else None,
            in_session[SessionStudent(key.session, key.record_book)].funding
            if key.stage == MAIN
            else None,
        )
        for key, admission in file.admissions.items()
        if key.record_book not in file.tainted
    ]


def _check_admissions(file, resolved):
    entries = admission_entries(file, resolved)
    changes, refusals, unchanged = services.check_admissions(resolved.ledger, entries)
    # The file's grades are checked with its admissions in place.
    for change in changes:
        resolved.ledger.apply_admission(*change.entry.key, change.new)
    if refusals:
        sessions, students = resolved.session_ids, resolved.student_ids
        for row in file.rows:
            enrolment = row.enrolment
            key = (
                sessions[enrolment.session],
                students[enrolment.record_book],
                row.mark.attempt,
            )
            if key in refusals:
                file.error(row.row, "admitted", refusals[key].message)
    return Outcome(entries, changes, unchanged)


def grade_entries(file, resolved):
    """The GradeEntry of each grade of the file (blank ones are not written: a blank retake
    grade records only the admission), of students without a bad row, with resolved's ids."""
    assessments, students, tainted = resolved.assessment_ids, resolved.student_ids, file.tainted
    entry = services.GradeEntry
    return [
        entry(
            assessments[row.assessment],
            students[row.enrolment.record_book],
            row.mark.attempt,
            row.mark.grade,
            row.mark.points,
        )
        for row in file.rows
        if row.mark.grade and row.enrolment.record_book not in tainted
    ]


def _check_grades(file, resolved, user, today):
    entries = grade_entries(file, resolved)
    deadlines = services.passed_deadlines(resolved.deadlines(), user, today)
    changes, refusals, unchanged = services.check_grades(resolved.ledger, entries, deadlines)
    if refusals:
        assessments, students = resolved.assessment_ids, resolved.student_ids
        for row in file.rows:
            key = (
                assessments[row.assessment],
                students[row.enrolment.record_book],
                row.mark.attempt,
            )
            if row.mark.grade and key in refusals:
                file.error(row.row, "grade", refusals[key].message)
    return Outcome(entries, changes, unchanged)
