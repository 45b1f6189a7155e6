"""`manage.py import_survey FILE --title "…"`: import a Google Forms export (CSV or XLSX).

    manage.py import_survey answers.csv --title "Студенттердин көзү менен 2024"
        [--about exam_session|state_attestation|other] [--year 2023-2024] [--term 1|2]

Each column becomes a question of the kind its answers suggest; importing the same file again
adds nothing. A broken file writes nothing: the command prints why (file, row, column) and exits
with status 1.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from academics.choices import Term
from surveys import importer
from surveys.choices import About


class Command(BaseCommand):
    help = "Import a Google Forms export (CSV or XLSX) into a survey, once per row."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--title", required=True, help="the survey's title")
        parser.add_argument("--about", choices=About.values, default=About.OTHER)
        parser.add_argument("--year", help="academic year, e.g. 2023-2024")
        parser.add_argument("--term", type=int, choices=Term.values)

    def handle(self, *args, file, title, about, year, term, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error}
            ) from error
        try:
            academic_year = importer.resolve_year(year)
        except ValueError as error:
            raise CommandError(str(error)) from error
        try:
            result = importer.import_survey(
                data, path.name, title, about=about, academic_year=academic_year, term=term
            )
        except importer.SurveyRefused as refusal:
            raise CommandError(
                "\n".join([_("Nothing was imported:"), *refusal.messages])
            ) from refusal
        for question in result.survey.questions.all():
            self.stdout.write(
                f"  {question.order}. [{question.get_kind_display()}] {question.text}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("“%(title)s”: %(added)s answers imported, %(skipped)s already there.")
                % {"title": result.survey.title, "added": result.added, "skipped": result.skipped}
            )
        )
