"""The surveys' list (django-tables2, portal.tables)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.tables import NumberColumn, PortalTable


class SurveyTable(PortalTable):
    """The surveys (results.surveys_with_counts), newest first, with their responses and links."""

    title = tables.Column(verbose_name=gettext_lazy("Survey"), linkify=True)
    about = tables.Column(verbose_name=gettext_lazy("About"))
    academic_year = tables.Column(
        verbose_name=gettext_lazy("Academic year"),
        empty_values=(),
        order_by=("academic_year__start_year", "term"),
    )
    response_count = NumberColumn(verbose_name=gettext_lazy("Responses"))
    is_open = tables.Column(verbose_name=gettext_lazy("Status"))

    caption = gettext_lazy("Surveys")
    row_header = "title"
    export_name = "surveys"

    class Meta(PortalTable.Meta):
        attrs = {"class": "data surveys"}

    def render_academic_year(self, record):
        if record.academic_year is None:
            return "—"
        # "2023-2024" is not broken at its hyphen on a phone.
        year = format_html('<span class="nowrap">{}</span>', record.academic_year)
        if record.term:
            return format_html("{}, {}", year, record.get_term_display())
        return year

    def value_academic_year(self, record):
        if record.academic_year is None:
            return ""
        if record.term:
            return f"{record.academic_year}, {record.get_term_display()}"
        return str(record.academic_year)

    def render_is_open(self, value):
        if value:
            return format_html('<span class="badge open">{}</span>', _("Open"))
        return format_html('<span class="badge closed">{}</span>', _("Closed"))

    def value_is_open(self, value):
        return _("Open") if value else _("Closed")
