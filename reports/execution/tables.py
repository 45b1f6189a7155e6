"""The items of the council's resolutions as a list (portal.tables): overdue first, each with its
deadline, status, progress and responsibles; its Excel export is the vice-rector's."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.numbers import number
from portal.tables import DateColumn, PercentColumn, PortalTable, short_date

from .models import STATUS_LABELS
from .services import progress


def status_badge(status):
    return format_html('<span class="badge ex-{}">{}</span>', status, STATUS_LABELS[status])


class AssignmentTable(PortalTable):
    number = tables.Column(verbose_name=_("No."), accessor="number", orderable=False)
    # The item stays in sight while a phone scrolls the table sideways.
    text = tables.Column(
        verbose_name=_("Item"),
        accessor="item__shown_text",
        orderable=False,
        attrs={"th": {"class": "sticky"}, "td": {"class": "sticky"}},
    )
    resolution = tables.Column(
        verbose_name=_("Resolution"), accessor="resolution__council_date", orderable=False
    )
    deadline = DateColumn(verbose_name=_("Deadline"), orderable=False)
    status = tables.Column(verbose_name=_("Status"), empty_values=(), orderable=False)
    progress = PercentColumn(verbose_name=_("Done, %"), empty_values=(), orderable=False)

    responsibles = tables.Column(verbose_name=_("Responsible"), empty_values=(), orderable=False)

    class Meta(PortalTable.Meta):
        attrs = {"class": "data ex-table"}

    caption = _("Items of the council's resolutions")
    row_header = "text"
    export_name = "execution"

    def __init__(self, data, *args, today, link_resolutions=False, **kwargs):
        self.today = today
        # Only the resolutions' readers may open one; a dean's office sees its date.
        self.link_resolutions = link_resolutions
        super().__init__(data, *args, **kwargs)

    def render_text(self, record, value):
        text = value if len(value) <= 160 else value[:157].rstrip() + "…"
        return format_html('<a href="{}">{}</a>', reverse("execution:item", args=[record.pk]), text)

    def value_text(self, record, value):
        return value

    def render_resolution(self, record):
        if not self.link_resolutions:
            return short_date(record.resolution.council_date)
        return format_html(
            '<a href="{}">{}</a>',
            reverse("resolutions:detail", args=[record.resolution_id]),
            short_date(record.resolution.council_date),
        )

    def value_resolution(self, record):
        return record.resolution.council_date

    def render_progress(self, record):
        # services.progress: the one figure of an item's progress (the next council's text says
        # the same); the list prefetches the responsibles it reads.
        return number(progress(record), 0)

    def value_progress(self, record):
        return progress(record)

    def render_status(self, record):
        return status_badge(record.shown_status(self.today))

    def value_status(self, record):
        status = record.shown_status(self.today)
        label = str(STATUS_LABELS[status])
        if record.cancel_reason:
            label = f"{label}: {record.cancel_reason}"
        return label

    def render_responsibles(self, record):
        return ", ".join(str(r) for r in record.responsibles.all()) or "—"

    def value_responsibles(self, record):
        return self.render_responsibles(record)
