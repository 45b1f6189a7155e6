"""The list of the students at risk (portal.tables): one row per student, every reason in words;
sorted as reports.at_risk.risk sorts them unless a heading is clicked; its Excel file has the same
rows, the reasons one per line."""

import django_tables2 as tables
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from portal.tables import PortalTable

NOTICE_KINDS = ("docx", "pdf")
NOTICE_LANGUAGES = ("ky", "ru")


class AtRiskTable(PortalTable):
    export_name = "at-risk"
    caption = _("Students at risk")
    row_header = "student"

    level = tables.Column(verbose_name=_("Level"), order_by=("level_rank",))
    student = tables.Column(verbose_name=_("Student"))
    record_book = tables.Column(verbose_name=_("Record-book number"))
    group = tables.Column(verbose_name=_("Group"))
    faculty = tables.Column(verbose_name=_("Faculty"))
    reasons = tables.Column(verbose_name=_("Reasons"), orderable=False)
    notice = tables.Column(
        verbose_name=_("Notice"), empty_values=(), orderable=False, exclude_from_export=True
    )

    class Meta(PortalTable.Meta):
        # The student first: the row's header stays in sight when the list scrolls on a phone.
        sequence = ("student", "level", "record_book", "group", "faculty", "reasons", "notice")
        row_attrs = {"class": lambda record: f"risk-{record['level']}"}

    def render_level(self, record):
        return format_html(
            '<span class="risk-badge risk-{}">{}</span>', record["level"], record["level_label"]
        )

    def value_level(self, record):
        return str(record["level_label"])

    def render_reasons(self, value):
        return format_html(
            '<ul class="risk-reasons">{}</ul>',
            format_html_join("", "<li>{}</li>", ((text,) for text in value)),
        )

    def value_reasons(self, value):
        return "\n".join(value)

    def render_notice(self, record):
        names = dict(settings.LANGUAGES)
        links = []
        for language in NOTICE_LANGUAGES:
            for kind in NOTICE_KINDS:
                url = reverse(
                    "reports:at_risk_notice",
                    args=[record["session_id"], record["student_id"], kind],
                )
                query = f"?stage={record['stage']}&lang={language}"
                links.append((url + query, kind.upper(), language, names[language]))
        return format_html(
            '<span class="risk-links">{}</span>',
            format_html_join(
                " ",
                '<a href="{}" lang="{}">{}&nbsp;·&nbsp;{}</a>',
                ((url, language, kind, name) for url, kind, language, name in links),
            ),
        )
