"""What a person may type in a grade sheet's cell, and what it stands for: the one definition.

The sheet page's script receives these tables (see `grammar`) to check cells as they are typed;
the server parses every posted cell with `parse_grade` and the grade service checks the rest.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import services
from .choices import AssessmentKind, GradeValue

_ABSENT = {"н": GradeValue.ABSENT, "к": GradeValue.ABSENT, "н/я": GradeValue.ABSENT}
_GRADED = {"5": "5", "4": "4", "3": "3", "2": "2", **_ABSENT, "absent": GradeValue.ABSENT}
_CREDIT = {
    "+": GradeValue.PASS,
    "з": GradeValue.PASS,
    "сынак": GradeValue.PASS,
    "pass": GradeValue.PASS,
    "-": GradeValue.FAIL,
    "fail": GradeValue.FAIL,
    **_ABSENT,
    "absent": GradeValue.ABSENT,
}

# Typed token -> stored value, per kind. Credits are pass/fail; the rest are graded 5…2.
TOKENS = {
    AssessmentKind.EXAM: _GRADED,
    AssessmentKind.COURSE_WORK: _GRADED,
    AssessmentKind.PRACTICE: _GRADED,
    AssessmentKind.CREDIT: _CREDIT,
}
# How a stored value is shown back in its cell: the shortest token that stands for it.
CELL_TEXT = {GradeValue.ABSENT: "н", GradeValue.PASS: "+", GradeValue.FAIL: "-"}
MAX_LENGTH = max(len(token) for table in TOKENS.values() for token in table)
MAX_POINTS = 100

# The grade in words, as the sheet and its printout write it beside the digit.
WORDS = {
    "5": pgettext_lazy("grade", "excellent"),
    "4": pgettext_lazy("grade", "good"),
    "3": pgettext_lazy("grade", "satisfactory"),
    "2": pgettext_lazy("grade", "unsatisfactory"),
    GradeValue.ABSENT: pgettext_lazy("grade", "absent"),
    GradeValue.PASS: pgettext_lazy("grade", "pass"),
    GradeValue.FAIL: pgettext_lazy("grade", "fail"),
}

INVALID = _("“%(value)s” is not a grade here. %(hint)s")
HINTS = {
    "graded": _("Type 5, 4, 3 or 2, н for absent, or points from 0 to 100."),
    "credit": _("Type + for pass, - for fail, or н for absent."),
}

# Dashes that spreadsheets and word processors put where a person typed "-".
_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-"})
_POINTS = re.compile(r"\d{1,3}", re.ASCII)


def points_allowed(kind):
    return kind != AssessmentKind.CREDIT


def hint(kind):
    return HINTS["graded" if points_allowed(kind) else "credit"]


def typed_token(raw):
    return (raw or "").strip().lower().translate(_DASHES)


def parse_grade(raw, kind):
    """The value a typed cell stands for: "" (clear it), a grade value, or points (an int).

    A number from 2 to 5 is the grade itself; 0, 1 and 6–100 are points, which the grade
    service converts by the scale.
    """
    text = typed_token(raw)
    if not text:
        return ""
    value = TOKENS[kind].get(text)
    if value is not None:
        return str(value)
    if points_allowed(kind) and _POINTS.fullmatch(text) and int(text) <= MAX_POINTS:
        return int(text)
    raise ValidationError(
        INVALID,
        params={"value": raw.strip(), "hint": hint(kind)},
        code="invalid",
    )


def label(value, points=None):
    """ "5 — excellent", "absent", "5 — excellent (95)": a stored value as people read it."""
    if not value:
        return ""
    words = WORDS.get(value, value)
    text = f"{value} — {words}" if value.isdigit() else str(words)
    return f"{text} ({points})" if points is not None else text


def change_labels(change):
    """A GradeChange's old and new value as people read them."""
    return {
        "old": label(change.old_value, change.old_points),
        "new": label(change.new_value, change.new_points),
    }


def grade_cell_text(value, points=None):
    """What a saved grade looks like in its cell, so that saving it again changes nothing."""
    if points is not None:
        return str(points)
    return CELL_TEXT.get(value, value)


def grammar(kind):
    """The tables the page's script checks typed cells with; see sheet.js."""
    return {
        "tokens": {token: str(value) for token, value in TOKENS[kind].items()},
        "points": (
            [services.points_to_value(p) for p in range(MAX_POINTS + 1)]
            if points_allowed(kind)
            else None
        ),
        "labels": {value: label(value) for value in WORDS},
        "hint": hint(kind),
        "invalid": INVALID,
    }
