"""Create the demo administrator once and print how to log in."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

DEFAULT_PASSWORD = "demo-admin-2024"


class Command(BaseCommand):
    help = _(
        "Create the demo administrator (user “admin”) if it does not exist, and print its login."
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
