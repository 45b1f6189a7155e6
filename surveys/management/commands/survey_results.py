"""`manage.py survey_results --title "…" [--format json|text]`: a survey's answer shares.

JSON is surveys.results.survey_results as the page's results.json gives it; text is one block
per question with the seed report's sentence.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from surveys import results
from surveys.models import Survey


class Command(BaseCommand):
    help = "A survey's results: per question, the count and the share of each answer."

    def add_arguments(self, parser):
        parser.add_argument("--title", required=True)
        parser.add_argument("--format", choices=("json", "text"), default="text", dest="fmt")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
        )

    def handle(self, *args, title, fmt, language, **options):
        with translation.override(language):
            survey = Survey.objects.filter(title=title).first()
            if survey is None:
                raise CommandError(_("There is no survey titled “%(title)s”.") % {"title": title})
            data = results.survey_results(survey)
            if fmt == "json":
                self.stdout.write(
                    json.dumps(results.as_json_ready(data), ensure_ascii=False, indent=2)
                )
                return
            self.stdout.write(data["title"])
            self.stdout.write(_("Responses: %(count)s") % {"count": data["responses"]})
            for number, question in enumerate(data["questions"], start=1):
                self.stdout.write("")
                self.stdout.write(f"{number}. {question['text']}")
                self.stdout.write(
                    "   " + _("Answered: %(count)s") % {"count": question["answered"]}
                )
                for answer in question["answers"]:
                    pct = results.format_pct(answer["pct"])
                    self.stdout.write(f"   {answer['count']:>6}  {pct:>7}%  {answer['option']}")
                line = results.summary_line(question)
                if line:
                    self.stdout.write("   " + line)
