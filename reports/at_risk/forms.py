"""The at-risk page's filters: session, stage, faculty, level, reason and group.

A plain form, not a django-filter FilterSet: the list is computed (reports.at_risk.risk), not a
query, and the session and stage choose what is computed rather than which rows are kept."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..achievement import Stage
from .risk import LEVELS, REASONS
from .words import LEVEL_LABELS, REASON_LABELS


class AtRiskFilters(forms.Form):
    session = forms.TypedChoiceField(
        label=_("Exam session"), coerce=int, required=False, empty_value=None
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.CHOICES, required=False)
    faculty = forms.TypedChoiceField(
        label=_("Faculty"), coerce=int, required=False, empty_value=None
    )
    # Any group id: which groups the user may see is checked by the page (academics.querysets),
    # and the list offers the groups that have students at risk, known once it is computed.
    group = forms.IntegerField(label=_("Group"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    reason = forms.ChoiceField(label=_("Reason"), required=False)

    def __init__(self, data, sessions, faculties):
        super().__init__(data)
        self.fields["session"].choices = [(s.pk, str(s)) for s in sessions]
        self.fields["faculty"].choices = [("", _("All faculties"))] + [
            (f.pk, f.name) for f in faculties
        ]
        self.fields["level"].choices = [("", _("All levels"))] + [
            (level, LEVEL_LABELS[level]) for level in LEVELS
        ]
        self.fields["reason"].choices = [("", _("All reasons"))] + [
            (code, REASON_LABELS[code]) for code in REASONS
        ]
