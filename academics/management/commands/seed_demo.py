"""`manage.py seed_demo`: fill the database with the demo university (see academics/demo.py)."""

import time

from django.core.management.base import BaseCommand
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from academics.demo import START_YEAR, seed_demo
from accreditation.demo import seed_accreditation_demo
from sessions_app.demo import seed_session_demo
from sessions_app.history_demo import ASSESSMENTS, seed_history
from surveys.demo import seed_survey_demo


class Command(BaseCommand):
    # argparse needs a plain string here; like Django's own commands, the help is not translated.
    help = (
        "Create or refresh the demo university: faculties, departments, programs, groups, "
        "students, staff and teaching loads at the scale of the 2023-2024 report, and its "
        "summer exam session before and after the retake period. Running it again changes "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-session",
            action="store_true",
            help="Only the academic structure, without the exam session's results.",
        )
        parser.add_argument(
            "--history-years",
            type=int,
            default=2,
            help="Academic years of exam sessions to load, counting the demo session's year "
            "(two sessions a year, each with about 50 000 grades); 1 for the demo session "
            "alone. Default 2: the same session a year earlier to compare with.",
        )
        parser.add_argument(
            "--assessments",
            type=int,
            default=ASSESSMENTS,
            help="Assessments per student in the earlier sessions, a multiple of 5 (four exams "
            f"and a credit each). Default {ASSESSMENTS}, as in the demo session.",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        counts, history = seed_demo(), 0
        counts = [*counts, *seed_accreditation_demo()]
        if not options["no_session"]:
            history = seed_history(max(options["history_years"], 1), options["assessments"])
            result = seed_session_demo()
            seed_survey_demo()
            counts = list(counts) + [
                (model, c.created + c.updated + c.unchanged)
                for model, c in result.counts.items()
                if model._meta.app_label == "sessions_app"
            ]
        seconds = time.monotonic() - started
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            _("Demo university for %(year)s:") % {"year": f"{START_YEAR}-{START_YEAR + 1}"}
        )
        for model, count in counts:
            self.stdout.write(f"  {capfirst(model._meta.verbose_name_plural)}: {count}")
        if history:
            self.stdout.write(_("Earlier exam sessions loaded: %(count)s") % {"count": history})
        self.stdout.write(self.style.SUCCESS(_("Done in %(seconds).1f s.") % {"seconds": seconds}))
