"""`manage.py seed_demo`: fill the database with the demo university (see demo/university.py).

Every loader it runs adds what is missing; never changes what is there: `bin/serve` runs it on
every start, after the demo's users have changed what they liked."""

import time

from django.core.management.base import BaseCommand
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from demo.accreditation import seed_accreditation_demo
from demo.history import ASSESSMENTS, seed_history
from demo.russian import fill_russian_names
from demo.sessions import seed_session_demo
from demo.surveys import seed_survey_demo
from demo.university import START_YEAR, build_plan, seed_demo


class Command(BaseCommand):
    # argparse needs a plain string here; like Django's own commands, the help is not translated.
    help = (
        "Create the demo university: faculties, departments, programs, groups, students, staff "
        "and teaching loads at the scale of the 2023-2024 report, and its summer exam session "
        "before and after the retake period. Run again, it adds what is missing and never "
        "changes what is there (what the demo's users entered stays as they left it)."
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
        plan = build_plan()
        counts, history = seed_demo(plan), 0
        counts = [*counts, *seed_accreditation_demo()]
        fill_russian_names()
        if not options["no_session"]:
            history = seed_history(
                max(options["history_years"], 1), options["assessments"], plan=plan
            )
            counts += seed_session_demo(plan)
            seed_survey_demo()
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
