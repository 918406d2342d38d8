"""Load the demo: the three councils of the seed documents and their published data.

    caremarket demo

Safe to run again: imports are idempotent. Prints the demo's sign-ins (a site admin, an
invented commissioner and invented provider staff), each with a new password.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from caremarket.demo import load_demo


class Command(BaseCommand):
    help = "Migrate and load the three demo councils with their published figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            from django.core.management import call_command

            call_command("migrate", interactive=False, verbosity=0)
        admin, *others = load_demo(self.stdout)
        self.stdout.write("")
        self.stdout.write("Demo loaded. Site admin login:")
        self.stdout.write(f"  username: {admin.username}")
        self.stdout.write(f"  password: {admin.password}")
        if others:
            self.stdout.write(
                "Staff and provider sign-ins (invented people; the providers are real register "
                "providers):"
            )
        for login in others:
            self.stdout.write(f"  {login.label}")
            self.stdout.write(f"    username: {login.username}  password: {login.password}")
