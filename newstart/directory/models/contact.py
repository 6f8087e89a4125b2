"""HSDS contact, phone, schedule and language: records that may hang off several
kinds of parent (an organization, a service, a location, a service at a location)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from newstart.directory.models.base import HsdsRecord


class Contact(HsdsRecord):
    hsds_type = "contact"

    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    service_at_location = models.ForeignKey(
        "directory.ServiceAtLocation",
        verbose_name=_("service at location"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    location = models.ForeignKey(
        "directory.Location",
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    department = models.CharField(_("department"), max_length=500, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name or self.title or str(self.id)


class Phone(HsdsRecord):
    hsds_type = "phone"

    location = models.ForeignKey(
        "directory.Location",
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="phones",
    )
    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="phones",
    )
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="phones",
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service_at_location = models.ForeignKey(
        "directory.ServiceAtLocation",
        verbose_name=_("service at location"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="phones",
    )
    number = models.CharField(_("number"), max_length=100)
    extension = models.FloatField(_("extension"), null=True, blank=True)
    type = models.CharField(_("type"), max_length=50, blank=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")

    def __str__(self) -> str:
        return self.number


class Weekday(models.TextChoices):
    MO = "MO", _("Monday")
    TU = "TU", _("Tuesday")
    WE = "WE", _("Wednesday")
    TH = "TH", _("Thursday")
    FR = "FR", _("Friday")
    SA = "SA", _("Saturday")
    SU = "SU", _("Sunday")


class Frequency(models.TextChoices):
    WEEKLY = "WEEKLY", _("weekly")
    MONTHLY = "MONTHLY", _("monthly")


class Schedule(HsdsRecord):
    """When a service is open: an RFC 5545-style recurrence, as HSDS models it."""

    hsds_type = "schedule"

    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedules",
    )
    location = models.ForeignKey(
        "directory.Location",
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedules",
    )
    service_at_location = models.ForeignKey(
        "directory.ServiceAtLocation",
        verbose_name=_("service at location"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedules",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    dtstart = models.DateField(_("first occurrence"), null=True, blank=True)
    timezone = models.FloatField(_("UTC offset (hours)"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    count = models.IntegerField(_("count"), null=True, blank=True)
    wkst = models.CharField(_("week start"), max_length=2, choices=Weekday.choices, blank=True)
    freq = models.CharField(_("frequency"), max_length=7, choices=Frequency.choices, blank=True)
    interval = models.IntegerField(_("interval"), null=True, blank=True)
    byday = models.CharField(_("by day"), max_length=100, blank=True, help_text=_("e.g. MO,TU,WE"))
    byweekno = models.CharField(_("by week number"), max_length=200, blank=True)
    bymonthday = models.CharField(_("by month day"), max_length=200, blank=True)
    byyearday = models.CharField(_("by year day"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    schedule_link = models.TextField(_("schedule link"), blank=True)
    attending_type = models.TextField(_("attending type"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        # "Open now" decides the few schedules repeating every n > 1 weeks in Python: found by index.
        indexes = [models.Index(fields=["interval"], name="schedule_interval")]

    def __str__(self) -> str:
        return self.description[:80] or f"{self.byday} {self.opens_at}-{self.closes_at}"


class Language(HsdsRecord):
    """A language a service, location or phone line is offered in."""

    hsds_type = "language"

    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="languages",
    )
    location = models.ForeignKey(
        "directory.Location",
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="languages",
    )
    phone = models.ForeignKey(
        Phone, verbose_name=_("phone"), null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    code = models.CharField(_("code"), max_length=20, blank=True, help_text=_("ISO 639 code, e.g. pa, zh, ar"))
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.name or self.code
