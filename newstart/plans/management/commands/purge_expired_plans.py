"""manage.py purge_expired_plans — delete every plan past its expiry date (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from newstart.plans.services import plan_purge_expired


class Command(BaseCommand):
    help = "Delete every settlement plan whose private link has expired (PLANS_EXPIRY_DAYS after it was made)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = plan_purge_expired()
        self.stdout.write(_("Expired plans deleted: %(count)s") % {"count": count})
