from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipConfig(AppConfig):
    name = "newstart.partnership"
    label = "partnership"
    verbose_name = _("Partnership")
    default_auto_field = "django.db.models.BigAutoField"
