"""`manage.py examiner_report`: the examiners whose grades stand apart in an exam session
(reports.examiners.method), every examiner × discipline with enough students, as JSON.

    manage.py examiner_report --year 2023-2024 --term 2 [--format json] [--output FILE]
        [--language ky|ru|en]

Prints {"year", "term", "examiners": [{"examiner", "discipline", "students", "mean_given",
"mean_expected", "difference", "p_value", "flagged"}]}, flagged first; means and the difference
rounded half up to 2 decimals, the p-value to 3 significant digits. A bad argument is a message
and exit status 1.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from reports.api import AchievementQuery, no_session_message
from reports.examiners.method import analyse

FORMATS = ("json",)


class ExaminerQuery(AchievementQuery):
    """The year and the term, checked as the achievement report checks them (no stage here)."""

    stage = None
    form = None
    by = None


class Command(BaseCommand):
    help = (
        "The examiners whose grades stand apart from the same students' other grades in an exam "
        "session (main attempt), per examiner and discipline, as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="academic year, e.g. 2023-2024")
        parser.add_argument("--term", required=True, help="1 (winter session) or 2 (summer)")
        parser.add_argument("--format", choices=FORMATS, default="json", dest="output_format")
        parser.add_argument("--output", help="write to this file (default: standard output)")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="of the messages (default: %(default)s, as the pages)",
        )

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            self.report(options)

    def report(self, options):
        query = ExaminerQuery({"year": options["year"], "term": options["term"]})
        if not query.is_valid():
            parameter, message = query.first_error()
            raise CommandError(f"--{parameter}: {message}")
        session = query.session()
        if session is None:
            raise CommandError(no_session_message(query))
        payload = {
            "year": session.academic_year.name,
            "term": session.term,
            "examiners": [result.as_json() for result in analyse(session).results],
        }
        text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
        if options["output"]:
            try:
                with open(options["output"], "w", encoding="utf-8") as file:
                    file.write(text)
            except OSError as error:
                raise CommandError(f"--output: {error}") from None
        else:
            self.stdout.write(text, ending="")
