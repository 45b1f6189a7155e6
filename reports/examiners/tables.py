"""The examiners page's list: each examiner × discipline tested, on the portal's list table
(portal.tables), flagged first as reports.examiners.method sorts them; no figure is computed
here."""

import django_tables2 as tables
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.numbers import number
from portal.tables import NumberColumn, PortalTable

# Below this a p-value is written "< 0,0001": its digits say nothing more.
SMALLEST_P_SHOWN = 0.0001


class MeanColumn(NumberColumn):
    """A mean or a difference, 2 decimals; the number itself in Excel."""

    def render(self, value):
        return number(value, 2)


class PValueColumn(NumberColumn):
    def render(self, value):
        if value < SMALLEST_P_SHOWN:
            return "< " + number(SMALLEST_P_SHOWN, 4)
        return number(value, 4)


class ExaminerTable(PortalTable):
    export_name = "examiners"
    row_header = "examiner"
    examiner = tables.Column(
        verbose_name=gettext_lazy("Examiner"), linkify=lambda record: record["url"]
    )
    discipline = tables.Column(verbose_name=gettext_lazy("Discipline"))
    students = NumberColumn(verbose_name=gettext_lazy("Students"))
    mean_given = MeanColumn(verbose_name=gettext_lazy("Mean grade given"))
    mean_expected = MeanColumn(verbose_name=gettext_lazy("Same students' expected mean"))
    difference = MeanColumn(verbose_name=gettext_lazy("Difference"))
    p_value = PValueColumn(verbose_name=gettext_lazy("p-value"))
    flagged = tables.Column(verbose_name=gettext_lazy("Flagged"))

    class Meta(PortalTable.Meta):
        row_attrs = {"class": lambda record: "flagged" if record["flagged"] else ""}

    def render_flagged(self, value):
        return _("a reason to look") if value else "—"

    def value_flagged(self, value):
        return _("yes") if value else _("no")
