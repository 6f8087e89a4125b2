from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NavigatorConfig(AppConfig):
    name = "newstart.navigator"
    label = "navigator"
    verbose_name = _("Navigator")
    default_auto_field = "django.db.models.BigAutoField"
