"""`manage.py import_results FILE.xlsx [--dry-run] [--user USERNAME]`: the results workbook,
imported whole or not at all; every bad row is printed to stderr and the exit status is 1."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sessions_app import importer


class Command(BaseCommand):
    help = (
        "Import a results workbook (sheet “results”, one row per student × assessment × "
        "attempt). A file with any bad row writes nothing: every error is listed and the "
        "command exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx workbook")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and show what would change, without writing",
        )
        parser.add_argument(
            "--user",
            help="import as this user: the audit names them, and a dean's office user may only "
            "import their faculty's rows (default: the system, with no faculty limit)",
        )

    def handle(self, *args, file, dry_run=False, user=None, **options):
        account = None
        if user:
            try:
                account = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(_("There is no user “%(user)s”.") % {"user": user}) from None
            if not importer.can_import(account):
                raise CommandError(
                    _("The user “%(user)s” may not import results.") % {"user": user}
                )
        if not os.path.isfile(file):
            raise CommandError(_("There is no file %(file)s.") % {"file": file})

        try:
            self.result = result = importer.import_results(file, user=account, dry_run=dry_run)
        except importer.ImportRefused as refusal:
            for message in refusal.messages:
                self.stderr.write(message)
            raise CommandError(_("The file was refused; nothing was written.")) from None

        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            rows = len({error.row for error in result.errors if error.row})
            raise CommandError(
                ngettext(
                    "%(errors)s error in %(rows)s of %(total)s rows; nothing was written.",
                    "%(errors)s errors in %(rows)s of %(total)s rows; nothing was written.",
                    len(result.errors),
                )
                % {"errors": len(result.errors), "rows": rows, "total": result.rows}
            )

        if options["verbosity"] < 1:
            return
        self.stdout.write(self._summary(result))
        if options["verbosity"] > 1:
            for phase, seconds in result.timings.items():
                self.stdout.write(f"{phase}: {seconds:.2f} s")
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        elif result.changed:
            self.stdout.write(self.style.SUCCESS(_("Imported %(rows)s rows.") % result.__dict__))
        else:
            self.stdout.write(_("Nothing to change: the portal already holds this file."))

    def _summary(self, result):
        heading = (_("what"), _("created"), _("updated"), _("unchanged"))
        rows = [heading] + [
            (str(model._meta.verbose_name_plural), counts.created, counts.updated, counts.unchanged)
            for model, counts in result.count_rows()
        ]
        width = max(len(row[0]) for row in rows)
        lines = [_("%(rows)s rows read.") % {"rows": result.rows}]
        for name, *numbers in rows:
            lines.append(f"{name:<{width}}  " + "  ".join(f"{n!s:>9}" for n in numbers))
        return "\n".join(lines)
