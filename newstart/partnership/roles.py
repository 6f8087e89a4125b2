"""The partnership's roles.

Partnership-wide roles are Django groups (the secretariat group is the one the directory's permissions
are granted to). Roles within a body come from ``Membership.role``; the organization editor role is
``PartnerOrganization.editors``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class PartnershipRole(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat")
    COORDINATOR = "coordinator", _("Coordinator")
    RESEARCHER = "researcher", _("Researcher")
    OBSERVER = "observer", _("Observer")


# The Django group behind each partnership-wide role (same names as the roles).
ROLE_GROUPS: dict[str, str] = {role.value: role.value for role in PartnershipRole}
SECRETARIAT_GROUP = PartnershipRole.SECRETARIAT.value  # as newstart.directory.rules.SECRETARIAT_GROUP
COORDINATOR_GROUP = PartnershipRole.COORDINATOR.value

# Roles whose holders must use two-factor authentication before any workspace page.
TWO_FACTOR_ROLES: tuple[str, ...] = (SECRETARIAT_GROUP, COORDINATOR_GROUP)

# An invitation may also offer the organization editor role for its organization.
ORGANIZATION_EDITOR = "organization_editor"
INVITATION_ROLE_CHOICES: list[tuple[str, StrOrPromise]] = [
    *PartnershipRole.choices,
    (ORGANIZATION_EDITOR, _("Organization editor")),
]
