"""`manage.py achievement_report`: the session figures as the API gives them (JSON), as an aligned
plain table, or as the report page's workbook.

    manage.py achievement_report --year 2023-2024 --term 2 --stage before|after
        [--form day|extramural] [--by university|faculty|program|group]
        [--format json|xlsx|text] [--output FILE] [--language ky|ru|en]
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from academics.choices import StudyForm
from reports import exports
from reports.achievement import COUNTS, By, Stage
from reports.api import AchievementQuery, achievement_payload, no_session_message

FORMATS = ("json", "text", "xlsx")
TEXT_COLUMNS = ("scope", *COUNTS, "absolute_pct", "quality_pct")


class Command(BaseCommand):
    help = (
        "The achievement figures of an exam session (contingent, admission, categories, owing, "
        "no-shows, absolute and quality achievement) per scope, before or after АКЖ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="academic year, e.g. 2023-2024")
        parser.add_argument("--term", required=True, help="1 (winter session) or 2 (summer)")
        parser.add_argument("--stage", required=True, choices=Stage.VALUES)
        parser.add_argument(
            "--form", choices=StudyForm.values, help="day or extramural (default: both)"
        )
        parser.add_argument(
            "--by", choices=By.VALUES, default=By.FACULTY, help="one row per (default: faculty)"
        )
        parser.add_argument("--format", choices=FORMATS, default="text", dest="output_format")
        parser.add_argument(
            "--output", help="write to this file (required for xlsx; default: standard output)"
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="of the headings and messages (default: %(default)s, as the pages)",
        )

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            self.report(options)

    def report(self, options):
        query = AchievementQuery(
            {
                "year": options["year"],
                "term": options["term"],
                "stage": options["stage"],
                "form": options["form"] or "",
                "by": options["by"],
            }
        )
        if not query.is_valid():
            parameter, message = query.first_error()
            raise CommandError(f"--{parameter}: {message}")
        output_format, output = options["output_format"], options["output"]
        by = query.cleaned_data["by"]
        if output_format == "xlsx":
            if not output:
                raise CommandError(_("--output: an xlsx workbook needs a file to be written to."))
            if by != By.FACULTY:
                raise CommandError(
                    _("--by: the workbook has the report's tables, by faculty; use --by faculty.")
                )
        session = query.session()
        if session is None:
            raise CommandError(no_session_message(query))
        stage, form = query.cleaned_data["stage"], query.cleaned_data["form"]

        if output_format == "xlsx":
            forms = [form] if form else StudyForm.values
            tables = exports.report_tables(session, [stage], forms)
            try:
                with open(output, "wb") as file:
                    file.write(exports.workbook_bytes(tables))
            except OSError as error:
                raise CommandError(f"--output: {error}") from None
            if options["verbosity"] > 0:
                self.stderr.write(_("Written to %(file)s.") % {"file": output})
            return

        payload = achievement_payload(session, stage, form=form, by=by)
        if output_format == "json":
            text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
        else:
            text = plain_table(payload, session)
        if output:
            try:
                with open(output, "w", encoding="utf-8") as file:
                    file.write(text)
            except OSError as error:
                raise CommandError(f"--output: {error}") from None
        else:
            self.stdout.write(text, ending="")


def plain_table(payload, session):
    """The payload as an aligned plain-text table: a title line, then one line per row and the
    total; the columns are the JSON keys."""
    rows = [*payload["rows"], payload["total"]]
    cells = [[_text(row[key]) for key in TEXT_COLUMNS] for row in rows]
    widths = [
        max(len(key), *(len(line[index]) for line in cells))
        for index, key in enumerate(TEXT_COLUMNS)
    ]

    def render(values):
        first = values[0].ljust(widths[0])
        rest = [value.rjust(width) for value, width in zip(values[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    title = " · ".join(
        str(part)
        for part in (
            session,
            dict(Stage.CHOICES)[payload["stage"]],
            StudyForm(payload["form"]).label if payload["form"] else _("both study forms"),
            f"by={payload['by']}",
        )
    )
    lines = [title, render(list(TEXT_COLUMNS))]
    lines.append("  ".join("-" * width for width in widths))
    lines.extend(render(line) for line in cells[:-1])
    lines.append("  ".join("-" * width for width in widths))
    lines.append(render(cells[-1]))
    return "\n".join(lines) + "\n"


def _text(value):
    return f"{value:.2f}" if isinstance(value, float) else str(value)
