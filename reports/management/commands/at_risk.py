"""`manage.py at_risk`: the students at risk of an exam session (reports.at_risk.risk) as JSON, as
plain text, or as the page's workbook.

    manage.py at_risk --year 2023-2024 --term 2 [--stage after] [--faculty CODE]
        [--format json|text|xlsx] [--output FILE] [--language ky|ru|en]

JSON: {"year", "term", "stage", "students": [{"student_id", "name", "group", "faculty", "level",
"reasons": [codes, in DOMAIN.md's order]}]}, sorted by level, faculty, group and name. The
`student_id` is the record-book number: what the dean's offices and the other tools know a
student by (the database's id means nothing outside the portal).
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from academics.models import Faculty
from portal.tables import table_workbook
from reports.achievement import Stage
from reports.api import AchievementQuery, no_session_message
from reports.at_risk.page import Chosen, rows
from reports.at_risk.risk import students_at_risk
from reports.at_risk.tables import AtRiskTable
from reports.at_risk.words import LEVEL_LABELS, describe

FORMATS = ("json", "text", "xlsx")


def payload(session, stage, entries):
    """The students at risk as the command's JSON document."""
    return {
        "year": session.academic_year.name,
        "term": session.term,
        "stage": stage,
        "students": [
            {
                "student_id": entry.student.record_book,
                "name": entry.student.full_name,
                "group": entry.group.name,
                "faculty": entry.faculty.name,
                "level": entry.level,
                "reasons": entry.codes,
            }
            for entry in entries
        ],
    }


class Command(BaseCommand):
    help = (
        "The students at risk of an exam session (owing, not admitted for an invalid reason, "
        "in debt again, falling average), each with every reason and the level."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="academic year, e.g. 2023-2024")
        parser.add_argument("--term", required=True, help="1 (winter session) or 2 (summer)")
        parser.add_argument("--stage", choices=Stage.VALUES, default=Stage.AFTER)
        parser.add_argument("--faculty", help="the faculty's code (default: every faculty)")
        parser.add_argument("--format", choices=FORMATS, default="text", dest="output_format")
        parser.add_argument(
            "--output", help="write to this file (required for xlsx; default: standard output)"
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="of the text, the workbook and the messages (default: %(default)s)",
        )

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            self.report(options)

    def report(self, options):
        # The year and term are checked as the achievement report checks them.
        query = AchievementQuery(
            {"year": options["year"], "term": options["term"], "stage": options["stage"]}
        )
        if not query.is_valid():
            parameter, message = query.first_error()
            raise CommandError(f"--{parameter}: {message}")
        output_format, output = options["output_format"], options["output"]
        if output_format == "xlsx" and not output:
            raise CommandError(_("--output: an xlsx workbook needs a file to be written to."))
        faculty = None
        if options["faculty"]:
            faculty = Faculty.objects.filter(code=options["faculty"]).first()
            if faculty is None:
                raise CommandError(
                    _("--faculty: there is no faculty with the code “%(code)s”.")
                    % {"code": options["faculty"]}
                )
        session = query.session()
        if session is None:
            raise CommandError(no_session_message(query))
        stage = query.cleaned_data["stage"]
        entries = students_at_risk(session, stage, faculty=faculty)
        if output_format == "xlsx":
            chosen = Chosen(form=None, session=session, stage=stage, entries=entries)
            self.write(output, table_workbook(AtRiskTable(rows(chosen)), _("Students at risk")))
            if options["verbosity"] > 0:
                self.stderr.write(_("Written to %(file)s.") % {"file": output})
            return
        if output_format == "json":
            text = json.dumps(payload(session, stage, entries), ensure_ascii=False, indent=2)
        else:
            text = plain_text(session, stage, entries)
        if output:
            self.write(output, (text + "\n").encode())
        else:
            self.stdout.write(text)

    def write(self, output, content):
        try:
            with open(output, "wb") as file:
                file.write(content)
        except OSError as error:
            raise CommandError(f"--output: {error}") from None


def plain_text(session, stage, entries):
    """A title line, then each student: level, name, record book, group, faculty, and each reason
    in words on its own indented line."""
    lines = [f"{session} · {dict(Stage.CHOICES)[stage]} · {len(entries)}"]
    for entry in entries:
        lines.append(
            f"{LEVEL_LABELS[entry.level]}  {entry.student.full_name} "
            f"({entry.student.record_book})  {entry.group.name}  {entry.faculty.name}"
        )
        lines.extend(f"    - {describe(reason, stage)}" for reason in entry.reasons)
    return "\n".join(lines)
