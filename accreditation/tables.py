"""The registries as django-tables2 tables: sortable, paginated, and exported to Excel with the
same columns (text neutralised by portal.safe_cells)."""

import datetime
from io import BytesIO

import django_tables2 as tables
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from portal.safe_cells import safe_cell, safe_text

from .expiry import LEVEL_LABELS, warning_level
from .models import Accreditation, LicenceApplication, Seminar

TEMPLATE = "accreditation/table.html"


def _date(value):
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def warning_badge(expiry, today):
    level = warning_level(expiry, today)
    if level is None:
        return ""
    return format_html(' <span class="badge warn-{}">{}</span>', level, LEVEL_LABELS[level])


class RegistryTable(tables.Table):
    """Dates shown short and exported as dates; the edit link is neither sorted nor exported."""

    edit = tables.Column(
        verbose_name="", empty_values=(), orderable=False, exclude_from_export=True
    )
    edit_url_name = None

    def __init__(self, *args, today=None, can_edit=False, **kwargs):
        if not can_edit:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "edit")
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def render_edit(self, record):
        return format_html(
            '<a href="{}">{}</a>', reverse(self.edit_url_name, args=[record.pk]), _("Edit")
        )

    class Meta:
        template_name = TEMPLATE
        attrs = {"class": "data registry"}


class LicenceApplicationTable(RegistryTable):
    program = tables.Column(
        verbose_name=_("Program"),
        accessor="label",
        order_by=("program__code", "code", "program__name", "name"),
    )
    level = tables.Column(verbose_name=_("Level"))
    form = tables.Column(verbose_name=_("Study form"))
    date_sent = tables.Column(verbose_name=_("Date sent"))
    status = tables.Column(verbose_name=_("Status"))
    licence_number = tables.Column(verbose_name=_("Licence number"))
    licence_date = tables.Column(verbose_name=_("Licence date"))
    valid_until = tables.Column(verbose_name=_("Valid until"))
    edit_url_name = "accreditation:licence_edit"

    class Meta(RegistryTable.Meta):
        model = LicenceApplication
        fields = ()
        sequence = (
            "program",
            "level",
            "form",
            "date_sent",
            "status",
            "licence_number",
            "licence_date",
            "valid_until",
            "edit",
        )
        empty_text = _("No licence application matches.")

    def render_level(self, record):
        return record.get_level_display()

    def render_form(self, record):
        return record.get_form_display()

    def render_status(self, record, value):
        return format_html(
            '<span class="badge status-{}">{}</span>', value, record.get_status_display()
        )

    def value_status(self, record):
        return str(record.get_status_display())

    def render_date_sent(self, value):
        return _date(value)

    def value_date_sent(self, value):
        return value

    def value_licence_date(self, value):
        return value

    def render_licence_date(self, value):
        return _date(value)

    def render_valid_until(self, value):
        return format_html("{}{}", _date(value), warning_badge(value, self.today))

    def value_valid_until(self, value):
        return value


class AccreditationTable(RegistryTable):
    program = tables.Column(
        verbose_name=_("Program"),
        accessor="label",
        order_by=("kind", "program__code", "program__name"),
    )
    level = tables.Column(verbose_name=_("Level"), accessor="program__level", default="")
    form = tables.Column(verbose_name=_("Study form"), accessor="program__form", default="")
    agency = tables.Column(verbose_name=_("Agency"), order_by=("agency__name",))
    decision_date = tables.Column(verbose_name=_("Decision date"))
    term_years = tables.Column(verbose_name=_("Term, years"), attrs={"td": {"class": "num"}})
    expiry_date = tables.Column(verbose_name=_("Expiry date"))
    status = tables.Column(
        verbose_name=_("Status"), empty_values=(), order_by=("suspended", "expiry_date")
    )
    report_file = tables.Column(verbose_name=_("Report"), orderable=False, exclude_from_export=True)
    edit_url_name = "accreditation:accreditation_edit"

    class Meta(RegistryTable.Meta):
        model = Accreditation
        fields = ()
        sequence = (
            "program",
            "level",
            "form",
            "agency",
            "decision_date",
            "term_years",
            "expiry_date",
            "status",
            "report_file",
            "edit",
        )
        empty_text = _("No accreditation matches.")

    def render_level(self, record):
        return record.program.get_level_display() if record.program_id else "—"

    def value_level(self, record):
        return str(record.program.get_level_display()) if record.program_id else ""

    def render_form(self, record):
        return record.program.get_form_display() if record.program_id else "—"

    def value_form(self, record):
        return str(record.program.get_form_display()) if record.program_id else ""

    def render_agency(self, value):
        return str(value)

    def render_decision_date(self, value):
        return _date(value)

    def value_decision_date(self, value):
        return value

    def render_expiry_date(self, value):
        return format_html("{}{}", _date(value), warning_badge(value, self.today))

    def value_expiry_date(self, value):
        return value

    def render_status(self, record):
        status = record.status_on(self.today)
        return format_html('<span class="badge status-{}">{}</span>', status, status.label)

    def value_status(self, record):
        return str(record.status_on(self.today).label)

    def render_report_file(self, record):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("accreditation:accreditation_file", args=[record.pk]),
            _("Download"),
        )


class SeminarTable(RegistryTable):
    topic = tables.Column(verbose_name=_("Topic"))
    date = tables.Column(verbose_name=_("Date"))
    agency = tables.Column(verbose_name=_("Agency"), order_by=("agency__name",), default="—")
    participants = tables.Column(
        verbose_name=_("Participants"), attrs={"td": {"class": "num"}}, default=""
    )
    participants_note = tables.Column(verbose_name=_("Who took part"), default="")
    materials_file = tables.Column(
        verbose_name=_("Materials"), orderable=False, exclude_from_export=True
    )
    edit_url_name = "accreditation:seminar_edit"

    class Meta(RegistryTable.Meta):
        model = Seminar
        fields = ()
        sequence = (
            "topic",
            "date",
            "agency",
            "participants",
            "participants_note",
            "materials_file",
            "edit",
        )
        empty_text = _("No seminar matches.")

    def render_date(self, value):
        return _date(value)

    def value_date(self, value):
        return value

    def render_agency(self, value):
        return str(value)

    def render_materials_file(self, record):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("accreditation:seminar_file", args=[record.pk]),
            _("Download"),
        )


def table_workbook(table, title):
    """The table's rows, all of them (not one page), as an .xlsx: text neutralised, dates and
    numbers kept as such."""
    book = Workbook()
    sheet = book.active
    sheet.title = safe_text(title)[:31]
    for row_number, values in enumerate(table.as_values(), start=1):
        for column_number, value in enumerate(values, start=1):
            if isinstance(value, datetime.date):
                cell = sheet.cell(row_number, column_number, value)
                cell.number_format = "DD.MM.YYYY"
            else:
                sheet.cell(row_number, column_number, safe_cell(value))
            if row_number == 1:
                sheet.cell(row_number, column_number).font = Font(bold=True)
    for column_number in range(1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(column_number)].width = 18
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
