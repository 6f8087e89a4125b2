"""Email invitations into the workspace. Only a hash of the token is stored: the token itself exists
in the invitation email alone, so a copy of the database cannot be used to accept an invitation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newstart.partnership.models.bodies import MembershipRole


class Invitation(models.Model):
    email = models.EmailField(_("email"))
    display_name = models.CharField(_("display name"), max_length=200, blank=True)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    roles = models.JSONField(_("roles offered"), default=list, blank=True)
    organization = models.ForeignKey(
        "partnership.PartnerOrganization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )
    is_private_person = models.BooleanField(_("takes part as a private person"), default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_accepted",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.email

    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class InvitedSeat(models.Model):
    """A seat on a body offered with an invitation; it becomes a Membership on acceptance."""

    invitation = models.ForeignKey(
        Invitation, verbose_name=_("invitation"), on_delete=models.CASCADE, related_name="seats"
    )
    body = models.ForeignKey("partnership.Body", verbose_name=_("body"), on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER)

    class Meta:
        verbose_name = _("seat offered")
        verbose_name_plural = _("seats offered")
        constraints = [models.UniqueConstraint(fields=("invitation", "body"), name="partnership_one_seat_per_body")]

    def __str__(self) -> str:
        return f"{self.body} · {self.get_role_display()}"
