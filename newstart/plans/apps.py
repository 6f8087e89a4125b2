from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "newstart.plans"
    label = "plans"
    verbose_name = _("Settlement plans")
    default_auto_field = "django.db.models.BigAutoField"
