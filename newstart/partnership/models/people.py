"""Partner organizations and the people of the partnership (Django users with a profile)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationPreference(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately, one email per notice")
    DAILY = "daily", _("A daily digest")
    WEEKLY = "weekly", _("A weekly digest")


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class PartnerOrganization(models.Model):
    """An organization taking part in the partnership, optionally the same as a directory listing."""

    name = models.CharField(_("name"), max_length=300, unique=True)
    directory_organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("directory listing"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_organizations",
        help_text=_("The organization's listing in the service directory, if it has one."),
    )
    website = models.URLField(_("website"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    focus_areas = models.ManyToManyField(
        "partnership.FocusArea", verbose_name=_("focus areas"), blank=True, related_name="partner_organizations"
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organization editors"),
        blank=True,
        related_name="edited_partner_organizations",
        help_text=_("People who may edit this organization's own directory listings."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("partner organization")
        verbose_name_plural = _("partner organizations")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """What the partnership knows about a person beyond their account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="partnership_profile",
    )
    display_name = models.CharField(_("display name"), max_length=200)
    organization = models.ForeignKey(
        PartnerOrganization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    notification_preference = models.CharField(
        _("email notices"),
        max_length=10,
        choices=NotificationPreference.choices,
        default=NotificationPreference.IMMEDIATE,
    )
    is_private_person = models.BooleanField(
        _("takes part as a private person"),
        default=False,
        help_text=_(
            "For example a member with lived experience. Their name is never exported or shown publicly; "
            "other workspace members see it only inside the bodies they share."
        ),
    )
    calendar_token = models.CharField(
        _("calendar token"), max_length=64, unique=True, default=new_calendar_token, editable=False
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        ordering = ("display_name",)

    def __str__(self) -> str:
        return self.display_name
