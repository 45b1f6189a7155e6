"""The students at risk in plain words, in the active language: each level, each reason's name,
and each reason of one student with what it rests on (the page, its Excel file, the command's
text and the notices say it so)."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from portal.numbers import number
from sessions_app.choices import AssessmentKind, GradeValue

from ..achievement import Stage
from .risk import (
    FALLING_AVERAGE,
    HIGH,
    LOW,
    MEDIUM,
    NOT_ADMITTED_INVALID,
    OWES,
    OWES_3_PLUS,
    REPEAT_DEBT,
)

LEVEL_LABELS = {
    HIGH: pgettext_lazy("risk level", "high"),
    MEDIUM: pgettext_lazy("risk level", "medium"),
    LOW: pgettext_lazy("risk level", "low"),
}
REASON_LABELS = {
    OWES_3_PLUS: gettext_lazy("owes 3 or more assessments"),
    NOT_ADMITTED_INVALID: gettext_lazy("not admitted for an invalid reason"),
    REPEAT_DEBT: gettext_lazy("in debt again after the previous session"),
    OWES: gettext_lazy("owes 1 or 2 assessments"),
    FALLING_AVERAGE: gettext_lazy("falling average grade"),
}


def stage_words(stage):
    return str(dict(Stage.CHOICES)[stage])


def grade_words(value):
    """A stored grade in words: "2 (unsatisfactory)", "absent"; "no grade" for a blank."""
    return str(GradeValue(value).label) if value else _("no grade")


def owed_item(owed):
    """“Discipline (exam, 2 (unsatisfactory))”."""
    return _("%(discipline)s (%(kind)s, %(grade)s)") % {
        "discipline": owed.discipline.name,
        "kind": AssessmentKind(owed.kind).label,
        "grade": grade_words(owed.grade),
    }


def mean_words(fraction):
    """A mean of grades to two decimals, as the language writes numbers."""
    value = Decimal(fraction.numerator) / Decimal(fraction.denominator)
    return number(value.quantize(Decimal("0.01"), ROUND_HALF_UP), 2)


def describe(reason, stage):
    """One reason of one student in a sentence."""
    words = {"stage": stage_words(stage)}
    if reason.code in (OWES, OWES_3_PLUS):
        count = len(reason.owed)
        return ngettext(
            "Owes %(count)s assessment %(stage)s: %(owed)s",
            "Owes %(count)s assessments %(stage)s: %(owed)s",
            count,
        ) % {**words, "count": count, "owed": "; ".join(owed_item(o) for o in reason.owed)}
    if reason.code == NOT_ADMITTED_INVALID:
        if stage == Stage.BEFORE:
            text = _("Not admitted to the session, for an invalid reason")
        else:
            text = _("Not admitted to the session nor to АКЖ, for an invalid reason")
        return f"{text} ({reason.note})" if reason.note else text
    if reason.code == REPEAT_DEBT:
        return _(
            "In debt again: also owed assessments after АКЖ in the previous session (%(session)s)"
        ) % {"session": reason.previous_session}
    return _(
        "The mean of graded exams %(stage)s is %(mean)s, down from %(previous)s after АКЖ in the "
        "previous session (%(session)s)"
    ) % {
        **words,
        "mean": mean_words(reason.mean),
        "previous": mean_words(reason.previous_mean),
        "session": reason.previous_session,
    }
