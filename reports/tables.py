"""The report pages' lists (portal.tables): the faculties on the home page."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from portal.numbers import number
from portal.tables import NumberColumn, PortalTable


def _total(name):
    """A column's footer: the university's total of it, grouped as the language groups numbers."""

    def footer(table):
        value = sum(getattr(row, name) for row in table.data)
        return number(value, 0)

    return footer


class FacultySummaryTable(PortalTable):
    """reports.structure.faculty_summary(): one row per faculty, the university's total below."""

    name = tables.Column(verbose_name=_("Faculty"), footer=_("University"))
    graduating_department_count = NumberColumn(
        verbose_name=_("Graduating departments"), footer=_total("graduating_department_count")
    )
    service_department_count = NumberColumn(
        verbose_name=_("Service departments"), footer=_total("service_department_count")
    )
    program_count = NumberColumn(verbose_name=_("Programs"), footer=_total("program_count"))
    group_count = NumberColumn(verbose_name=_("Groups"), footer=_total("group_count"))
    student_count = NumberColumn(verbose_name=_("Students"), footer=_total("student_count"))

    caption = _("Faculties")
    caption_visible = True
    row_header = "name"

    class Meta(PortalTable.Meta):
        orderable = False
