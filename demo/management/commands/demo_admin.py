"""Create the demo administrator and one demo user per role once, and print how to log in; then,
with the demo's users there, the demo's council resolutions (demo.execution), which are written
as those users.

Adds what is missing; never changes what is there: an account that exists keeps its password,
roles and faculty as its users left them, and the resolutions are made only while none exists."""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from academics import roles
from academics.models import Faculty, UserProfile
from demo.execution import seed_execution_demo

DEFAULT_PASSWORD = "demo-admin-2024"

# username, role, faculty code (for a dean's office), full name
DEMO_USERS = [
    ("dekanat.itbf", roles.DEAN_OFFICE, "itbf", "Асанова Гүлзат"),
    ("dekan.itbf", roles.DEAN_OFFICE_HEAD, "itbf", "Токтосунов Нурлан"),
    ("dekanat.ebf", roles.DEAN_OFFICE, "ebf", "Жумабаева Айгерим"),
    ("okuu.bolumu", roles.ACADEMIC_DEPARTMENT, None, "Сыдыкова Бермет"),
    ("prorektor", roles.VICE_RECTOR, None, "Мамытов Улан"),
]


class Command(BaseCommand):
    help = _(
        "Create the demo administrator (user “admin”) and a demo user for each role if they do "
        "not exist, and print their logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        User = get_user_model()
        password = os.environ.get("DEMO_ADMIN_PASSWORD", DEFAULT_PASSWORD)
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Demo administrator created. Log in at http://127.0.0.1:8000/ "
                        "as “%(user)s” with the password “%(password)s”."
                    )
                    % {"user": username, "password": password}
                )
            )
        else:
            self.stdout.write(
                _(
                    "Demo administrator “%(user)s” already exists; its password was left as it is "
                    "(the first run printed it; default “%(password)s”)."
                )
                % {"user": username, "password": DEFAULT_PASSWORD}
            )
        faculties = {f.code: f for f in Faculty.objects.all()}
        made = []
        for name, role, faculty_code, full_name in DEMO_USERS:
            if faculty_code and faculty_code not in faculties:
                continue  # no demo university loaded
            first, last = full_name.split()[1], full_name.split()[0]
            account, created = User.objects.get_or_create(
                username=name,
                # An address under .invalid (reserved, never delivered): the daily reminders of
                # the resolution's items have someone to write to, on the console by default.
                defaults={"first_name": first, "last_name": last, "email": f"{name}@demo.invalid"},
            )
            if not created:
                continue
            account.set_password(password)
            account.save(update_fields=["password"])
            account.groups.add(Group.objects.get(name=role))
            if faculty_code:
                UserProfile.objects.create(user=account, faculty=faculties[faculty_code])
            made.append((name, roles.LABELS[role], faculties.get(faculty_code)))
        for name, label, faculty in made:
            where = f" — {faculty}" if faculty else ""
            self.stdout.write(f"  {name}: {label}{where}")
        if made:
            self.stdout.write(_("The demo users above log in with the same password."))
        seeded = seed_execution_demo()
        if seeded.adopted:
            self.stdout.write(
                _(
                    "The council's resolution (%(adopted)s) is adopted, its items assigned and "
                    "reported on; the next council's draft: %(draft)s."
                )
                % {"adopted": seeded.adopted.session, "draft": seeded.draft.session}
            )
