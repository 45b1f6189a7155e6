"""The dashboard's tables, on the portal's list table (portal.tables): sortable, paginated,
exported to Excel as shown.

Their data are the rows of reports.achievement and reports.load, turned into plain dicts by the
views; no figure is computed here.
"""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.tables import DateColumn, NumberColumn, PercentColumn, PortalTable


class FacultyRatesTable(PortalTable):
    export_name = "faculties"
    faculty = tables.Column(verbose_name=_("Faculty"), linkify=lambda record: record["url"])
    contingent = NumberColumn(verbose_name=_("Contingent"))
    admitted_pct = PercentColumn(verbose_name=_("Admitted, %"))
    absolute_before = PercentColumn(verbose_name=_("Absolute before АКЖ, %"))
    absolute_after = PercentColumn(verbose_name=_("Absolute after АКЖ, %"))
    quality_before = PercentColumn(verbose_name=_("Quality before АКЖ, %"))
    quality_after = PercentColumn(verbose_name=_("Quality after АКЖ, %"))
    absolute_after_change = PercentColumn(
        verbose_name=_("Absolute after АКЖ: change from a year earlier")
    )

    class Meta(PortalTable.Meta):
        pass


class ScopeRatesTable(PortalTable):
    """A program's or a group's figures at one stage."""

    name = tables.Column(verbose_name=_("Name"))
    form = tables.Column(verbose_name=_("Study form"))
    contingent = NumberColumn(verbose_name=_("Contingent"))
    admitted = NumberColumn(verbose_name=_("Admitted"))
    passed = NumberColumn(verbose_name=_("Passed"))
    owing = NumberColumn(verbose_name=_("Owe subjects"))
    absolute_pct = PercentColumn(verbose_name=_("Absolute, %"))
    quality_pct = PercentColumn(verbose_name=_("Quality, %"))

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
    owed_count = NumberColumn(verbose_name=_("Subjects owed"))
    owed = tables.Column(verbose_name=_("Owed: subject (grade)"), orderable=False)

    class Meta(PortalTable.Meta):
        pass


class LoadTable(PortalTable):
    export_name = "load"
    department = tables.Column(verbose_name=_("Department"))
    faculty = tables.Column(verbose_name=_("Faculty"))
    level = tables.Column(verbose_name=_("Level"))
    planned = NumberColumn(verbose_name=_("Planned hours"))
    performed = NumberColumn(verbose_name=_("Performed hours"))
    difference = NumberColumn(verbose_name=_("Difference"))
    performed_pct = PercentColumn(verbose_name=_("Performed, %"))

    class Meta(PortalTable.Meta):
        row_attrs = {"class": lambda record: record["mark"]}


class ExpiringTable(PortalTable):
    """accreditation.expiry.due(): the licences and accreditations that expire soon, soonest
    first, each row marked by how soon."""

    export_name = "expiring"
    label = tables.Column(verbose_name=_("Program"))
    kind = tables.Column(verbose_name=_("Kind"))
    agency = tables.Column(verbose_name=_("Agency"), order_by=("agency__name",))
    expiry = DateColumn(verbose_name=_("Expires"))
    level = tables.Column(verbose_name=_("Warning"), order_by=("days_left",))

    caption = _("Licences and accreditations that expire within 12 months")

    class Meta(PortalTable.Meta):
        row_attrs = {"class": lambda record: f"due-{record.level}"}

    def render_kind(self, value):
        return _("licence") if value == "licence" else _("accreditation")

    def render_level(self, record):
        return format_html(
            '<span class="due-badge due-{}">{}</span>', record.level, record.level_label
        )

    def value_level(self, record):
        return str(record.level_label)
