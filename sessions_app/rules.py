"""The grade rules, written once: what passes, what is owed, who is on which sheet, and whether a
grade or an admission may change. Pure functions over values; no database.

Every path takes its rules from here: the grade sheet and the АКЖ sheet (services.roster), the
admission page, the two writers (services.write_grades, services.write_admissions) that the
page, the import, the admin and code all go through, the results import's checks, and the
literals of the SQL that adds grades up (sessions_app.outcomes, reports.achievement).

The rules (DOMAIN.md, "The grade rules that every path must share"):
- A grade passes when it is 5, 4, 3 or "pass"; 2, "fail" and "absent" are owed.
- A student owes an assessment after the main attempt when admitted to the session and the main
  grade does not pass — 2, fail, absent or blank; or when not admitted to the session but
  admitted to АКЖ. Only a student who owes an assessment may get an АКЖ grade in it.
- The admission to АКЖ is its own row where the dean's office made one; without it, the student
  is admitted to АКЖ as to the session.
- The main sheet lists the group's contingent (admitted or not); the АКЖ sheet lists who owes the
  assessment after the main attempt, and anyone who holds an АКЖ grade in it (a grade from before
  these rules, shown so that it can be cleared).
- A main grade may not change so that the student stops owing while an АКЖ grade exists: the
  АКЖ grade is cleared first.
- Nothing on a submitted or locked sheet changes — a grade, or a student's row (whether listed,
  admitted, and why not) through their admission — until the sheet is reopened.
- A student with a grade at a stage cannot be marked not admitted to it until the grade is
  cleared.
- An assessment's examiner is part of its main sheet: it does not change while that sheet is
  submitted or locked (refuse_examiner), on the sheet page as in the results import.
"""

import re
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .choices import AssessmentKind, Attempt, GradeValue, NotAdmittedReason, SheetStatus

MAIN, RETAKE = Attempt.MAIN.value, Attempt.RETAKE.value
ABSENT, PASS, FAIL = GradeValue.ABSENT.value, GradeValue.PASS.value, GradeValue.FAIL.value

# Grades that pass the assessment, and those that leave it owed; a blank grade is owed too.
PASSING = ("5", "4", "3", PASS)
OWING = ("2", FAIL, ABSENT)
# The grades that place a student who passed in a category (credits count for passing only).
CATEGORY_GRADES = ("5", "4", "3")
EXCELLENT, GOOD, SATISFACTORY = CATEGORY_GRADES
# The marks of a graded exam, as a mean of grades counts them (the examiners' method in
# reports.examiners): absent, credits (pass, fail) and blanks are left out.
MARKS = ("5", "4", "3", "2")
REASONS = (NotAdmittedReason.VALID.value, NotAdmittedReason.INVALID.value)
VALID, INVALID = REASONS

_GRADED = frozenset({"5", "4", "3", "2", ABSENT})
# What each kind of assessment may be given: credits are pass/fail, the rest are graded.
ALLOWED = {
    AssessmentKind.EXAM.value: _GRADED,
    AssessmentKind.COURSE_WORK.value: _GRADED,
    AssessmentKind.PRACTICE.value: _GRADED,
    AssessmentKind.CREDIT.value: frozenset({PASS, FAIL, ABSENT}),
}

# A student's mean of graded exams (DOMAIN.md, "Students at risk"): the assessments graded 5 to 2
# (not credits), each by its mark (MARKS), "absent" as 2; blanks and credits are left out. (The
# examiners' method leaves absent out: MARKS alone.)
GRADED_KINDS = tuple(kind for kind, allowed in ALLOWED.items() if "5" in allowed)
MEAN_POINTS = {**{mark: int(mark) for mark in MARKS}, ABSENT: 2}

# Every word people write for each stored grade — the one table the grade sheet page, its script
# and the results import read (sessions_app.forms, sessions_app.importer.columns). Russian,
# Kyrgyz (the glossary of DOMAIN.md and the seed report's spellings) and English, with the usual
# short forms. Words are compared as `grade_key` writes them: case, "ё", surrounding spaces and
# quotes, runs of spaces and the dots that end a word ("Удовл." = "удовл") do not matter.
# Which values an assessment may take is ALLOWED's; points are not words (sessions_app.forms).
GRADE_WORDS = {
    "5": ("5", "отлично", "отл", "эң жакшы", "эң жак", "excellent"),
    "4": ("4", "хорошо", "хор", "жакшы", "жак", "good"),
    "3": (
        "3",
        "удовлетворительно",
        "удовл",
        "удов",
        "уд",
        "канааттандырарлык",
        "канааттандыраарлык",
        "канаат",
        "кан",
        "satisfactory",
    ),
    "2": (
        "2",
        "неудовлетворительно",
        "неуд",
        "канааттандырарлык эмес",
        "канааттандыраарлык эмес",
        "канааттандырарлыксыз",
        "канаат эмес",
        "кан эмес",
        "unsatisfactory",
    ),
    ABSENT: (
        "н",
        "н/я",
        "неявка",
        "не явился",
        "не явилась",
        "к",
        "к/ж",
        "келген жок",
        "келбеди",
        "келбеген",
        "absent",
        "no show",
    ),
    PASS: (
        "+",
        "з",
        "зач",
        "зачет",
        "зачтено",
        "сынак",
        "сыналды",
        "сынак коюлду",
        "эсептелди",
        "өттү",
        "pass",
        "passed",
    ),
    FAIL: (
        "-",
        "незач",
        "не зач",
        "незачет",
        "не зачет",
        "незачтено",
        "не зачтено",
        "сыналган жок",
        "сынак коюлган жок",
        "эсептелген жок",
        "өткөн жок",
        "fail",
        "failed",
    ),
}

_FOLD = str.maketrans({"ё": "е", "\u2212": "-", "\u2013": "-", "\u2014": "-"})
_QUOTES = "\"'«»“”„"
_WORD_END_DOTS = re.compile(r"\.+(?=\s|$)")
_AROUND_SLASH = re.compile(r"\s*/\s*")


def grade_key(text):
    """The form in which a written grade is compared with GRADE_WORDS ("Удовл. " -> "удовл",
    "Н / Я" -> "н/я", "−" -> "-"). The sheet page's script (static/js/sheet.js, `normalize`)
    does the same, so that it accepts what the server will."""
    text = (text or "").lower().translate(_FOLD).strip().strip(_QUOTES)
    text = _AROUND_SLASH.sub("/", _WORD_END_DOTS.sub("", text))
    return " ".join(text.split())


def _word_lookup():
    lookup = {}
    for value, words in GRADE_WORDS.items():
        for word in words:
            key = grade_key(word)
            if lookup.setdefault(key, value) != value:
                raise ImproperlyConfigured(f"The grade word “{word}” names two values.")
    return lookup


GRADE_LOOKUP = _word_lookup()


# A digit with its word, as labels write a grade: "5 (excellent)", "3 — удовл.", "2 - неуд".
_WITH_WORD = re.compile(r"(\S+) ?(?:\((.+)\)|- ?(.+))")


def grade_word(text):
    """The stored value a written grade word stands for, or None. A grade written as a digit
    with its word ("5 (отлично)", "5 — эң жакшы") stands for it when both name the same one."""
    key = grade_key(text)
    value = GRADE_LOOKUP.get(key)
    pair = _WITH_WORD.fullmatch(key) if value is None else None
    if pair is not None:
        first, word = GRADE_LOOKUP.get(pair[1]), GRADE_LOOKUP.get(grade_key(pair[2] or pair[3]))
        if first is not None and first == word:
            return first
    return value


def sql_list(values):
    """Constant values as an SQL list ("'5', '4', '3'") for the queries that add grades up."""
    return ", ".join(f"'{value}'" for value in values)


def passes(value):
    return value in PASSING


class Standing(NamedTuple):
    """One student in one assessment: admission at each stage and the grade of each attempt.

    `main_admitted` is None for a student outside the group's contingent for the session;
    `retake_admitted` is None when there is no АКЖ admission row. Grades are "" when blank.
    """

    main_admitted: bool | None = None
    main_reason: str = ""
    retake_admitted: bool | None = None
    retake_reason: str = ""
    main_value: str = ""
    retake_value: str = ""

    def value(self, attempt):
        return self.main_value if attempt == MAIN else self.retake_value

    def with_grade(self, attempt, value):
        field = "main_value" if attempt == MAIN else "retake_value"
        return self._replace(**{field: value})

    def with_admission(self, stage, admitted, reason):
        if stage == MAIN:
            return self._replace(main_admitted=admitted, main_reason=reason)
        return self._replace(retake_admitted=admitted, retake_reason=reason)


def admitted_to_retake(standing):
    """Admitted to АКЖ: by its own row where there is one, else as to the session."""
    if standing.retake_admitted is None:
        return bool(standing.main_admitted)
    return standing.retake_admitted


def owes_after_main(standing):
    """Whether the student owes the assessment after the main attempt (and may sit it at АКЖ)."""
    if standing.main_admitted is None:
        return False
    if standing.main_admitted:
        return not passes(standing.main_value)
    return standing.retake_admitted is True


class SheetRow(NamedTuple):
    """A student's row on a sheet as the sheet shows it: may they sit, and why not."""

    admitted: bool
    reason: str


def sheet_row(standing, attempt):
    """The student's row on the sheet of `attempt`, or None when the sheet does not list them."""
    if standing.main_admitted is None:
        return None
    if attempt == MAIN:
        return SheetRow(standing.main_admitted, standing.main_reason)
    if not (owes_after_main(standing) or standing.retake_value):
        return None
    return SheetRow(admitted_to_retake(standing), standing.retake_reason)


def is_closed(status):
    """A submitted or locked sheet: read-only until it is reopened. "" is a sheet not made yet."""
    return status in (SheetStatus.SUBMITTED, SheetStatus.LOCKED)


# Refusals: each has a code (for tests and callers that react to one) and its message, the same
# on every path; the importer adds only the row and the column.


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    # Refuses the sheet as a whole (its state or its deadline), not one student's cell.
    whole_sheet: bool = False

    def __str__(self):
        return self.message


NOT_ON_SHEET = "not_on_sheet"
NOT_ALLOWED = "not_allowed"
SHEET_CLOSED = "sheet_closed"
DEADLINE = "deadline"
NOT_ADMITTED = "not_admitted"
NOT_OWED = "not_owed"
RETAKE_EXISTS = "retake_exists"
RETAKE_SHEET_CLOSED = "retake_sheet_closed"
REASON_REQUIRED = "reason_required"
NOT_IN_GROUP = "not_in_group"
HAS_GRADE = "has_grade"
ROW_ON_CLOSED_SHEET = "row_on_closed_sheet"
EXAMINER_ON_CLOSED_SHEET = "examiner_on_closed_sheet"


def grade_label(value):
    """A stored grade in words for a message: "2 (unsatisfactory)", "absent"; "—" for none."""
    return str(GradeValue(value).label) if value else "—"


def status_label(status):
    return str(SheetStatus(status).label)


def sheet_closed(status):
    return Refusal(
        SHEET_CLOSED,
        _("The sheet is %(status)s: it is read-only until it is reopened.")
        % {"status": status_label(status)},
        whole_sheet=True,
    )


def deadline_passed(deadline):
    return Refusal(
        DEADLINE,
        _(
            "The entry deadline (%(date)s) has passed: only the dean's office head can enter "
            "grades now."
        )
        % {"date": date_format(deadline, "SHORT_DATE_FORMAT")},
        whole_sheet=True,
    )


def not_allowed(value, kind):
    return Refusal(
        NOT_ALLOWED,
        _("“%(value)s” is not allowed here; use one of: %(allowed)s.")
        # In words of the interface's language ("absent" is "келген жок" in Kyrgyz).
        % {
            # Points (80) or a value of no grade are shown as given.
            "value": grade_label(value) if value in GradeValue.values else value,
            "allowed": ", ".join(grade_label(v) for v in GradeValue.values if v in ALLOWED[kind]),
        },
    )


def retake_exists(value, discipline):
    return Refusal(
        RETAKE_EXISTS,
        _(
            "The student has an АКЖ grade (%(grade)s) in “%(discipline)s” and would no longer "
            "owe it: clear the АКЖ grade first."
        )
        % {"grade": grade_label(value), "discipline": discipline},
    )


def refuse_grade(kind, discipline, standing, attempt, value, statuses, deadline=None):
    """Why `value` may not be written for this student's `attempt` at the assessment, or None.

    `statuses` maps each attempt to its sheet's status ("" for a sheet not made yet); `deadline`
    is the entry deadline when it has passed for the person writing. Call it for a value that
    differs from the stored one; "" clears the grade.
    """
    row = sheet_row(standing, attempt)
    if row is None and standing.main_admitted is None:
        return Refusal(NOT_ON_SHEET, _("This student is not on the sheet."))
    if attempt == RETAKE and (row is None or value) and not owes_after_main(standing):
        # An АКЖ grade of one who does not owe can only be cleared.
        return Refusal(
            NOT_OWED,
            _(
                "The student does not owe this assessment after the main session (main "
                "grade: %(grade)s): no АКЖ grade."
            )
            % {"grade": grade_label(standing.main_value)},
        )
    if value and value not in ALLOWED[kind]:
        return not_allowed(value, kind)
    if is_closed(statuses.get(attempt, "")):
        return sheet_closed(statuses[attempt])
    if deadline is not None:
        return deadline_passed(deadline)
    if value and not row.admitted:
        return Refusal(NOT_ADMITTED, _("The student is not admitted: no grade can be entered."))
    after = standing.with_grade(attempt, value)
    if attempt == MAIN:
        if standing.retake_value and not owes_after_main(after):
            return retake_exists(standing.retake_value, discipline)
        retake_status = statuses.get(RETAKE, "")
        if is_closed(retake_status) and sheet_row(after, RETAKE) != sheet_row(standing, RETAKE):
            return Refusal(
                RETAKE_SHEET_CLOSED,
                _(
                    "The АКЖ sheet is %(status)s and this grade would change its list of "
                    "students: reopen the АКЖ sheet first."
                )
                % {"status": status_label(retake_status)},
            )
    return None


class SheetState(NamedTuple):
    """One assessment of the student's group as an admission change sees it."""

    discipline: str
    standing: Standing
    statuses: dict  # attempt -> status ("" for a sheet not made yet)


def refuse_admission(stage, admitted, reason, sheets, in_group=True):
    """Why the student's admission at `stage` may not become (`admitted`, `reason`), or None.

    `sheets` holds a SheetState for each assessment of the student's group in the session, as
    stored now. Call it for an admission that differs from the stored one.
    """
    if not in_group:
        return Refusal(NOT_IN_GROUP, _("This student is not in the group for this session."))
    if not admitted and reason not in REASONS:
        return Refusal(REASON_REQUIRED, _("Say whether the reason is valid or not."))
    for state in sheets:
        value = state.standing.value(stage)
        if not admitted and value:
            return Refusal(
                HAS_GRADE,
                _(
                    "The student has the grade “%(grade)s” in “%(discipline)s”: clear the grade "
                    "first, then mark the student not admitted."
                )
                % {"grade": grade_label(value), "discipline": state.discipline},
            )
    for state in sheets:
        after = state.standing.with_admission(stage, admitted, reason)
        if after.retake_value and not owes_after_main(after):
            return retake_exists(after.retake_value, state.discipline)
        refusal = _closed_row_changed(state, state.standing, after)
        if refusal is not None:
            return refusal
    return None


def _closed_row_changed(state, before, after):
    """A submitted or locked sheet of the assessment whose row of the student would change (a
    standing of None: not on it), as a refusal."""
    for attempt in (MAIN, RETAKE):
        status = state.statuses.get(attempt, "")
        if not is_closed(status):
            continue
        row_before = sheet_row(before, attempt) if before is not None else None
        row_after = sheet_row(after, attempt) if after is not None else None
        if row_before != row_after:
            return row_on_closed_sheet(state.discipline, attempt, status)
    return None


def row_on_closed_sheet(discipline, attempt, status):
    return Refusal(
        ROW_ON_CLOSED_SHEET,
        _(
            "The %(attempt)s sheet of “%(discipline)s” is %(status)s and lists this student: "
            "reopen the sheet first, then change the admission."
        )
        % {
            "attempt": Attempt(attempt).label,
            "discipline": discipline,
            "status": status_label(status),
        },
    )


MOVED_WITH_GRADE = "moved_with_grade"


def refuse_move(old_sheets, new_sheets, admitted, reason):
    """Why a student's main admission may not move from one group to another this session (to
    be `admitted`, `reason` there), or None: `old_sheets` and `new_sheets` hold the SheetStates
    of each group's assessments, as stored now (the student in the old group, outside the new)."""
    for state in old_sheets:
        value = state.standing.main_value or state.standing.retake_value
        if value:
            return Refusal(
                MOVED_WITH_GRADE,
                _(
                    "The student has the grade “%(grade)s” in “%(discipline)s” in their group "
                    "this session: clear it first, then move the student to another group."
                )
                % {"grade": grade_label(value), "discipline": state.discipline},
            )
    for state in old_sheets:
        refusal = _closed_row_changed(state, state.standing, None)
        if refusal is not None:
            return refusal
    for state in new_sheets:
        after = state.standing.with_admission(MAIN, admitted, reason)
        refusal = _closed_row_changed(state, None, after)
        if refusal is not None:
            return refusal
    return None


def refuse_examiner(main_status):
    """Why the examiner of an assessment whose main sheet is in `main_status` ("" for a sheet not
    made yet) may not change, or None. The examiner is signed on the main sheet, so a submitted
    or locked main sheet keeps the examiner it was submitted with until it is reopened."""
    if not is_closed(main_status):
        return None
    return Refusal(
        EXAMINER_ON_CLOSED_SHEET,
        _(
            "The main session sheet is %(status)s: its examiner cannot change until the sheet "
            "is reopened."
        )
        % {"status": status_label(main_status)},
        whole_sheet=True,
    )
