from __future__ import annotations

from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "newstart.common"
    label = "common"
    verbose_name = "Common"
