"""The council's resolutions as a list (portal.tables): newest council first, each with its
session, reporter and whether it is adopted."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.tables import DateColumn, PortalTable, short_date


class ResolutionTable(PortalTable):
    council_date = DateColumn(verbose_name=_("Council date"), order_by=("council_date", "pk"))
    session = tables.Column(
        verbose_name=_("Exam session"),
        order_by=("session__academic_year__start_year", "session__term"),
    )
    reporter_name = tables.Column(verbose_name=_("Reporter"))
    status = tables.Column(
        verbose_name=_("Status"), accessor="adopted_at", empty_values=(), order_by=("adopted_at",)
    )

    caption = _("Council resolutions")
    row_header = "council_date"
    export_name = "resolutions"

    class Meta(PortalTable.Meta):
        order_by = ("-council_date",)

    def render_council_date(self, record):
        number = f" · № {record.protocol_number}" if record.protocol_number else ""
        return format_html(
            '<a href="{}">{}{}</a>',
            reverse("resolutions:detail", args=[record.pk]),
            short_date(record.council_date),
            number,
        )

    def value_council_date(self, record):
        return record.council_date

    def render_status(self, record):
        if record.is_adopted:
            return format_html(
                '<span class="badge adopted">{}</span> <span class="muted">{}</span>',
                _("Adopted"),
                short_date(timezone.localtime(record.adopted_at)),
            )
        return format_html('<span class="badge draft">{}</span>', _("Draft"))

    def value_status(self, record):
        if record.is_adopted:
            return f"{_('Adopted')} {short_date(timezone.localtime(record.adopted_at))}"
        return str(_("Draft"))
