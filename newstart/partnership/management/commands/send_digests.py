"""manage.py send_digests daily|weekly: email each person who chose that digest their unsent notices.
Schedule "daily" once a day and "weekly" once a week (cron or the platform's scheduler)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from newstart.partnership.services import digests_send


class Command(BaseCommand):
    help = "Send the partnership's daily or weekly digests of notices."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("frequency", choices=["daily", "weekly"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = digests_send(frequency=options["frequency"])
        self.stdout.write(f"{options['frequency']} digests: {result.emails} emails, {result.notices} notices")
