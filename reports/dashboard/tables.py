"""The dashboard's tables (django-tables2): sortable, paginated, exported to Excel as shown.

Their data are the rows of reports.achievement and reports.load, turned into plain dicts by the
views; no figure is computed here.
"""

import django_tables2 as tables
import tablib
from django.utils.translation import gettext_lazy as _
from django_tables2.export import TableExport

from portal.safe_cells import safe_cell

PER_PAGE = 25


class PortalTable(tables.Table):
    """A table that knows its name for ?_export=xlsx&_table=<name>. django-tables2 does not
    inherit Meta: each table names PortalTable.Meta as its own Meta's base."""

    export_name = ""

    class Meta:
        attrs = {"class": "data"}
        orderable = True
        empty_text = _("Nothing to show for these filters.")


def number_column(verbose_name):
    """A count or a percentage: right-aligned, in tabular figures (table.data .num)."""
    return tables.Column(verbose_name=verbose_name, attrs={"td": {"class": "num"}})


class FacultyRatesTable(PortalTable):
    export_name = "faculties"
    faculty = tables.Column(verbose_name=_("Faculty"), linkify=lambda record: record["url"])
    contingent = number_column(_("Contingent"))
    admitted_pct = number_column(_("Admitted, %"))
    absolute_before = number_column(_("Absolute before АКЖ, %"))
    absolute_after = number_column(_("Absolute after АКЖ, %"))
    quality_before = number_column(_("Quality before АКЖ, %"))
    quality_after = number_column(_("Quality after АКЖ, %"))
    absolute_after_change = number_column(_("Absolute after АКЖ: change from a year earlier"))

    class Meta(PortalTable.Meta):
        pass


class ScopeRatesTable(PortalTable):
    """A program's or a group's figures at one stage."""

    name = tables.Column(verbose_name=_("Name"))
    form = tables.Column(verbose_name=_("Study form"))
    contingent = number_column(_("Contingent"))
    admitted = number_column(_("Admitted"))
    passed = number_column(_("Passed"))
    owing = number_column(_("Owe subjects"))
    absolute_pct = number_column(_("Absolute, %"))
    quality_pct = number_column(_("Quality, %"))

    class Meta(PortalTable.Meta):
        pass


class ProgramRatesTable(ScopeRatesTable):
    export_name = "programs"
    name = tables.Column(verbose_name=_("Program"))

    class Meta(PortalTable.Meta):
        pass


class GroupRatesTable(ScopeRatesTable):
    export_name = "groups"
    name = tables.Column(verbose_name=_("Group"), linkify=lambda record: record["url"])
    program = tables.Column(verbose_name=_("Program"))

    class Meta(PortalTable.Meta):
        sequence = ("name", "program", "...")


class OwingTable(PortalTable):
    export_name = "owing"
    student = tables.Column(verbose_name=_("Student"))
    record_book = tables.Column(verbose_name=_("Record-book number"))
    status = tables.Column(verbose_name=_("Status"))
    owed_count = number_column(_("Subjects owed"))
    owed = tables.Column(verbose_name=_("Owed: subject (grade)"), orderable=False)

    class Meta(PortalTable.Meta):
        pass


class LoadTable(PortalTable):
    export_name = "load"
    department = tables.Column(verbose_name=_("Department"))
    faculty = tables.Column(verbose_name=_("Faculty"))
    level = tables.Column(verbose_name=_("Level"))
    planned = number_column(_("Planned hours"))
    performed = number_column(_("Performed hours"))
    difference = number_column(_("Difference"))
    performed_pct = number_column(_("Performed, %"))

    class Meta(PortalTable.Meta):
        row_attrs = {"class": lambda record: record["mark"]}


class SafeExport(TableExport):
    """django-tables2's export with every text cell shown, never run (portal.safe_cells);
    numbers stay numbers."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        safe = tablib.Dataset(title=str(dataset.title)[:31], headers=dataset.headers)
        for row in dataset:
            safe.append([safe_cell(v) for v in row])
        return safe


def export_response(table, filename):
    return SafeExport("xlsx", table, dataset_kwargs={"title": str(table.export_name)}).response(
        filename
    )
