"""The group summary sheet (сводная ведомость) of one group and exam session: its students down,
its assessments across, each cell the main grade and the АКЖ grade, each student's category and
subjects owed, and the group's figures at the bottom.

Nothing here recomputes a figure of the report: the group's rates and each student's category
are reports.achievement's (By.GROUP and By.STUDENT of the same query), what passes is
sessions_app.rules', and a cell's text is sessions_app.forms'. The page, its printout and its
workbook all show a GroupSummary.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.collation import name_key
from portal.numbers import number as format_number
from sessions_app.choices import AssessmentKind, GradeValue
from sessions_app.forms import grade_cell_text
from sessions_app.models import Admission, Assessment, Grade
from sessions_app.rules import ABSENT, FAIL, MAIN, PASS, RETAKE, passes

from ..achievement import By, Stage, achievement_tables, total

# A student's category as the report counts them (reports.achievement's count names), in order.
CATEGORIES = {
    "excellent": _("Excellent"),
    "good": _("Excellent and good"),
    "mixed": _("Mixed"),
    "satisfactory": _("Satisfactory"),
}
NOT_ADMITTED = "not_admitted"
OWING = "owing"
CATEGORY_LABELS = {
    **CATEGORIES,
    OWING: _("owes"),
    NOT_ADMITTED: pgettext_lazy("category", "not admitted"),
}
# The lines of counts under each assessment's column: the grades, then what is missing or owed.
TALLY = (
    ("5", "5"),
    ("4", "4"),
    ("3", "3"),
    ("2", "2"),
    (PASS, pgettext_lazy("grade", "pass")),
    (FAIL, pgettext_lazy("grade", "fail")),
    (ABSENT, pgettext_lazy("grade", "absent")),
    ("", _("no grade entered")),
)
ARROW = "→"
# The group's figures under the table: reports.achievement's counts, then its two rates.
FIGURES = (
    ("contingent", _("Contingent")),
    ("admitted", _("Admitted")),
    ("excellent", _("Excellent")),
    ("good", _("Excellent and good")),
    ("mixed", _("Mixed")),
    ("satisfactory", _("Satisfactory")),
    ("not_passed", _("Not passed")),
)
RATES = (
    ("absolute_pct", _("Absolute achievement, %")),
    ("quality_pct", _("Quality achievement, %")),
)


@dataclass
class Cell:
    """One student in one assessment: the main attempt's grade and the АКЖ grade ("" for none),
    with the points each was given in (None when given as a grade)."""

    main: str = ""
    main_points: int | None = None
    retake: str = ""
    retake_points: int | None = None

    def value(self, stage):
        """The grade at `stage`: the main one before АКЖ; after it, the retake's where there is
        one (reports.achievement's rule)."""
        if stage == Stage.AFTER and self.retake:
            return self.retake
        return self.main

    @property
    def text(self):
        """ "2 → 4", "5", "н → 3": as the page and the printout show it."""
        main = grade_cell_text(self.main)
        if not self.retake:
            return main
        return f"{main or '—'} {ARROW} {grade_cell_text(self.retake)}"

    def typed(self, attempt):
        """What the workbook's cell holds, which reads back as the stored grade (points kept)."""
        if attempt == MAIN:
            return grade_cell_text(self.main, self.main_points)
        return grade_cell_text(self.retake, self.retake_points)


@dataclass
class Line:
    """A student's line: admitted before and after АКЖ, a cell per assessment, and at each stage
    the category and the number of assessments owed (None when not admitted)."""

    number: int
    student: object
    admission: object
    admitted: dict  # stage -> bool
    cells: list
    category: dict = field(default_factory=dict)  # stage -> key of CATEGORY_LABELS
    owed: dict = field(default_factory=dict)  # stage -> int or None

    def category_label(self, stage):
        return CATEGORY_LABELS[self.category[stage]]

    @property
    def category_label_before(self):
        return self.category_label(Stage.BEFORE)

    @property
    def category_label_after(self):
        return self.category_label(Stage.AFTER)


@dataclass
class Column:
    """An assessment's column and the counts under it (admitted students only) at each stage."""

    assessment: object
    tally: dict = field(default_factory=dict)  # stage -> Counter of values ("" for none)
    owing: dict = field(default_factory=dict)  # stage -> students who owe it

    @property
    def graded(self):
        return self.assessment.kind != AssessmentKind.CREDIT

    def count(self, stage, value):
        return self.tally[stage][value]


@dataclass
class GroupSummary:
    session: object
    group: object
    columns: list
    lines: list
    figures: dict  # stage -> reports.achievement.Row of the group

    @property
    def stages(self):
        return Stage.CHOICES

    def tally_rows(self):
        """[(label, {stage: [count per column]})] of the values any column can hold."""
        rows = []
        for value, label in TALLY:
            if not any(_allows(column, value) for column in self.columns):
                continue
            counts = {
                stage: [
                    column.count(stage, value) if _allows(column, value) else None
                    for column in self.columns
                ]
                for stage in Stage.VALUES
            }
            rows.append((label, counts))
        return rows

    @property
    def tally_lines(self):
        """The page's count lines: [(label, [a cell's text per column])], "3 → 1" where АКЖ
        changed the count."""
        return [
            (label, [_pair(b, a) for b, a in zip(c[Stage.BEFORE], c[Stage.AFTER], strict=True)])
            for label, c in self.tally_rows()
        ]

    @property
    def owing_counts(self):
        return [_pair(c.owing[Stage.BEFORE], c.owing[Stage.AFTER]) for c in self.columns]

    @property
    def figure_rows(self):
        """[(label, [before, after])] of the group's figures; the rates in the active locale."""
        rows = [
            (label, [self.figures[stage].counts[key] for stage in Stage.VALUES])
            for key, label in FIGURES
        ]
        for name, label in RATES:
            rows.append(
                (
                    label,
                    [
                        format_number(getattr(self.figures[stage], name), 2)
                        for stage in Stage.VALUES
                    ],
                )
            )
        return rows


def _pair(before, after):
    if before is None:
        return ""
    if before == after:
        return str(before)
    return f"{before} {ARROW} {after}"


def _allows(column, value):
    if value in ("", ABSENT):
        return True
    credit = value in (PASS, FAIL)
    return credit != column.graded


def assessments_of(session, group):
    """The session's assessments of the group, in the order of the grade sheets' list."""
    return list(
        Assessment.objects.filter(session=session, group=group)
        .select_related("discipline")
        .order_by("date", "discipline__name", "kind", "pk")
    )


def contingent(session, group):
    """The group's main-stage admissions of the session (its contingent), in Kyrgyz alphabetical
    order of the students' names, then by record book."""
    admissions = Admission.objects.filter(session=session, group=group, stage=MAIN).select_related(
        "student"
    )
    return sorted(
        admissions,
        key=lambda a: name_key(a.student.full_name, a.student.record_book),
    )


def grade_cells(assessments, student_ids):
    """{(student id, assessment id): Cell} of the stored grades. One query."""
    cells = {}
    grades = Grade.objects.filter(assessment__in=assessments, student_id__in=student_ids).only(
        "assessment_id", "student_id", "attempt", "value", "points"
    )
    for grade in grades:
        cell = cells.setdefault((grade.student_id, grade.assessment_id), Cell())
        if grade.attempt == RETAKE:
            cell.retake, cell.retake_points = grade.value, grade.points
        else:
            cell.main, cell.main_points = grade.value, grade.points
    return cells


def _category(row):
    """The category of a student's By.STUDENT row: the one count that is 1."""
    if not row.counts["admitted"]:
        return NOT_ADMITTED
    for key in CATEGORIES:
        if row.counts[key]:
            return key
    return OWING


def _figures(session, group):
    """The group's Row and each student's Row at both stages: one achievement query each."""
    groups = achievement_tables(session, Stage.VALUES, By.GROUP, group_ids=[group.pk])
    students = achievement_tables(session, Stage.VALUES, By.STUDENT, group_ids=[group.pk])
    figures, per_student = {}, {}
    for stage in Stage.VALUES:
        rows = [row for (s, _form), found in groups.items() if s == stage for row in found]
        figures[stage] = total(rows, scope=group.name)
        for (s, _form), found in students.items():
            if s == stage:
                for row in found:
                    per_student.setdefault(row.key, {})[stage] = row
    return figures, per_student


def group_summary(session, group):
    """The summary of `group` in `session`. A fixed number of queries whatever the group's size."""
    columns = [Column(assessment) for assessment in assessments_of(session, group)]
    admissions = contingent(session, group)
    retake_admitted = dict(
        Admission.objects.filter(
            session=session, stage=RETAKE, student_id__in=[a.student_id for a in admissions]
        ).values_list("student_id", "admitted")
    )
    cells = grade_cells([c.assessment for c in columns], [a.student_id for a in admissions])
    figures, per_student = _figures(session, group)
    for column in columns:
        column.tally = {stage: Counter() for stage in Stage.VALUES}
        column.owing = dict.fromkeys(Stage.VALUES, 0)
    lines = []
    for number, admission in enumerate(admissions, 1):
        admitted = {
            Stage.BEFORE: admission.admitted,
            Stage.AFTER: admission.admitted or bool(retake_admitted.get(admission.student_id)),
        }
        row_cells = [cells.get((admission.student_id, c.assessment.pk), Cell()) for c in columns]
        line = Line(number, admission.student, admission, admitted, row_cells)
        for stage in Stage.VALUES:
            student_row = per_student.get(admission.student_id, {}).get(stage)
            line.category[stage] = _category(student_row) if student_row else NOT_ADMITTED
            line.owed[stage] = None
            if admitted[stage]:
                values = [cell.value(stage) for cell in row_cells]
                line.owed[stage] = sum(1 for value in values if not passes(value))
                for column, value in zip(columns, values, strict=True):
                    column.tally[stage][value] += 1
                    column.owing[stage] += not passes(value)
        lines.append(line)
    return GroupSummary(session, group, columns, lines, figures)


def grade_words():
    """The cell abbreviations the page explains under the table."""
    return [
        ("н", GradeValue.ABSENT.label),
        ("+", GradeValue.PASS.label),
        ("-", GradeValue.FAIL.label),
    ]
