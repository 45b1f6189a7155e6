"""The registries as django-tables2 tables (portal.tables): sortable, paginated, and exported to
Excel with the same columns."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.tables import DateColumn, NumberColumn, PortalTable, short_date

from .expiry import LEVEL_LABELS, warning_level
from .models import Accreditation, LicenceApplication, Seminar


def warning_badge(expiry, today):
    level = warning_level(expiry, today)
    if level is None:
        return ""
    return format_html(' <span class="badge warn-{}">{}</span>', level, LEVEL_LABELS[level])


class RegistryTable(PortalTable):
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

    class Meta(PortalTable.Meta):
        attrs = {"class": "data registry"}


class LicenceApplicationTable(RegistryTable):
    program = tables.Column(
        verbose_name=_("Program"),
        accessor="label",
        order_by=("program__code", "code", "program__name", "name"),
    )
    level = tables.Column(verbose_name=_("Level"))
    form = tables.Column(verbose_name=_("Study form"))
    date_sent = DateColumn(verbose_name=_("Date sent"))
    status = tables.Column(verbose_name=_("Status"))
    licence_number = tables.Column(verbose_name=_("Licence number"))
    licence_date = DateColumn(verbose_name=_("Licence date"))
    valid_until = DateColumn(verbose_name=_("Valid until"), attrs={"td": {"class": "badged"}})
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

    def render_status(self, record):
        # `value` is the choice's label here (django-tables2 shows choices so): the class wants
        # the stored value.
        return format_html(
            '<span class="badge status-{}">{}</span>', record.status, record.get_status_display()
        )

    def value_status(self, record):
        return str(record.get_status_display())

    def render_valid_until(self, value):
        return format_html("{}{}", short_date(value), warning_badge(value, self.today))

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
    decision_date = DateColumn(verbose_name=_("Decision date"))
    term_years = NumberColumn(verbose_name=_("Term, years"))
    expiry_date = DateColumn(verbose_name=_("Expiry date"), attrs={"td": {"class": "badged"}})
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

    def render_expiry_date(self, value):
        return format_html("{}{}", short_date(value), warning_badge(value, self.today))

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
    date = DateColumn(verbose_name=_("Date"))
    agency = tables.Column(verbose_name=_("Agency"), order_by=("agency__name",), default="—")
    participants = NumberColumn(verbose_name=_("Participants"), default="")
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

    def render_agency(self, value):
        return str(value)

    def render_materials_file(self, record):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("accreditation:seminar_file", args=[record.pk]),
            _("Download"),
        )
