"""The secretariat's view of services whose listing is due for a check."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from newstart.directory.models.service import Service


class ServiceVerification(Service):
    """Services needing verification: the same rows as Service, listed as a work queue in the admin.

    A proxy (no table of its own); writes always go through Service so that change history is kept.
    """

    class Meta:
        proxy = True
        verbose_name = _("service needing verification")
        verbose_name_plural = _("services needing verification")
