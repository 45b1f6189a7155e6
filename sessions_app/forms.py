"""What a person may type in a grade sheet's cell or write in a results file's grade cell, and
what it stands for: the one definition of a written grade; and the choice of a sheet's examiner
(ExaminerForm).

The words are rules.GRADE_WORDS; a whole number 2–5 is the grade itself, 0, 1 and 6–100 are
points, which the grade service converts by the scale (services.points_to_value). The sheet
page's script receives these tables (see `grammar`) to check cells as they are typed; the server
parses every posted cell with `parse_grade`, the results import every grade cell with
`read_cell`, and the grade service checks the rest.
"""

import re

from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from academics.models import StaffMember
from portal.collation import name_key

from . import rules, services
from .choices import AssessmentKind, GradeValue

# How a stored value is shown back in its cell: the shortest word that stands for it.
CELL_TEXT = {GradeValue.ABSENT: "н", GradeValue.PASS: "+", GradeValue.FAIL: "-"}
MAX_POINTS = 100
# The cell's length: the longest word, with room for the dots and spaces people add.
MAX_LENGTH = max(len(word) for words in rules.GRADE_WORDS.values() for word in words) + 8

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
NOT_A_GRADE = _(
    "“%(value)s” is not a grade: write 5, 4, 3, 2, a grade in words (the template's help sheet "
    "lists them) or points from 0 to 100."
)
NOT_POINTS = _("“%(value)s” is not points: points are a whole number from 0 to 100.")

# Whole points as a spreadsheet may write them ("87", "87.0", "87,0").
_WHOLE = re.compile(r"(\d{1,3})(?:[.,]0+)?", re.ASCII)
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d*)?", re.ASCII)


def points_allowed(kind):
    return kind != AssessmentKind.CREDIT


def hint(kind):
    return HINTS["graded" if points_allowed(kind) else "credit"]


def typed_token(raw):
    """A typed cell in the form its words are compared in (rules.grade_key)."""
    return rules.grade_key(raw)


def read_cell(text):
    """What a written grade stands for, whatever the assessment: "" (blank), a stored value, or
    points (an int 0–100). A ValueError saying why for anything else."""
    text = (text or "").strip()
    if not text:
        return ""
    value = rules.grade_word(text)
    if value is not None:
        return value
    token = rules.grade_key(text)
    if not _NUMBER.fullmatch(token):
        raise ValueError(NOT_A_GRADE % {"value": text})
    points = read_points(text)
    # "5.0" from a number cell is the grade 5, as "5" is.
    return rules.grade_word(str(points)) or points


def read_points(text):
    """Whole points 0–100 as written ("87", "87.0", "87,0"); a ValueError saying why for
    anything else (the results import's points column, and points in a grade cell)."""
    text = (text or "").strip()
    whole = _WHOLE.fullmatch(rules.grade_key(text))
    if whole is None or int(whole[1]) > MAX_POINTS:
        raise ValueError(NOT_POINTS % {"value": text})
    return int(whole[1])


def allowed(value, kind):
    """Whether an assessment of `kind` takes `value` (read_cell's answer, not blank)."""
    if isinstance(value, int):
        return points_allowed(kind)
    return value in rules.ALLOWED[kind]


def parse_grade(raw, kind):
    """The value a typed cell stands for: "" (clear it), a grade value, or points (an int).

    A number from 2 to 5 is the grade itself; 0, 1 and 6–100 are points, which the grade
    service converts by the scale.
    """
    try:
        value = read_cell(raw)
    except ValueError:
        value = None
    if value == "":
        return ""
    if value is None or not allowed(value, kind):
        raise ValidationError(
            INVALID,
            params={"value": (raw or "").strip(), "hint": hint(kind)},
            code="invalid",
        )
    return value


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
        "tokens": {
            token: value
            for token, value in rules.GRADE_LOOKUP.items()
            if value in rules.ALLOWED[kind]
        },
        "points": (
            [services.points_to_value(p) for p in range(MAX_POINTS + 1)]
            if points_allowed(kind)
            else None
        ),
        "labels": {value: label(value) for value in WORDS},
        "hint": hint(kind),
        "invalid": INVALID,
    }


# The examiner of an assessment, chosen on its main sheet


def examiner_candidates(assessment):
    """The teaching staff a sheet's examiner is chosen from, as [(department, [StaffMember])]:
    the program's department first, then the department that teaches the discipline (often a
    service department of another faculty), then the faculty's other departments; the current
    examiner is always among them. One query."""
    program = assessment.group.program
    first = [pk for pk in (program.department_id, assessment.discipline.department_id) if pk]
    current = assessment.examiner_id
    staff = StaffMember.objects.filter(
        Q(department__faculty_id=program.faculty_id) | Q(department_id__in=first) | Q(pk=current)
    ).select_related("department")
    by_department = {}
    for member in staff:
        by_department.setdefault(member.department, []).append(member)

    def order(department):
        rank = first.index(department.pk) if department.pk in first else len(first)
        return rank, name_key(department.name)

    return [
        (department, sorted(members, key=lambda m: name_key(m.full_name, m.personnel_number)))
        for department, members in sorted(by_department.items(), key=lambda item: order(item[0]))
    ]


class ExaminerForm(django_forms.Form):
    """The examiner picked on a main sheet (none: "—"), and the sheet's version the page showed."""

    examiner = django_forms.TypedChoiceField(
        label=_("Examiner"), coerce=int, empty_value=None, required=False
    )
    version = django_forms.IntegerField(min_value=0, widget=django_forms.HiddenInput)

    def __init__(self, assessment, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = examiner_candidates(assessment)
        self.staff = {member.pk: member for _department, members in groups for member in members}
        self.fields["examiner"].choices = [
            ("", "—"),
            *(
                (department.name, [(member.pk, member.full_name) for member in members])
                for department, members in groups
            ),
        ]
        self.fields["examiner"].initial = assessment.examiner_id

    def clean_examiner(self):
        pk = self.cleaned_data["examiner"]
        return self.staff[pk] if pk is not None else None
