"""Priority action proposals, with their equity lens, indicators, comments, amendments and the
advisory table's input."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModel, TranslatedFields
from simple_history.models import HistoricalRecords


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_PRIORITISATION = "in_prioritisation", _("In prioritisation")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Proposal(models.Model):
    """A priority action proposed by a body's members for the settlement strategy."""

    cycle = models.ForeignKey(
        "strategy.StrategyCycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="proposals"
    )
    body = models.ForeignKey(
        "partnership.Body",
        verbose_name=_("proposing body"),
        on_delete=models.PROTECT,
        related_name="strategy_proposals",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="strategy_proposals",
    )
    title = models.CharField(_("title"), max_length=300)
    problem = models.TextField(_("the problem"), help_text=_("What need or gap does this action answer?"))
    action = models.TextField(_("the action"), help_text=_("What will be done, by whom, for whom?"))
    lead_organization = models.ForeignKey(
        "partnership.PartnerOrganization",
        verbose_name=_("lead organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_strategy_proposals",
    )
    partner_organizations = models.ManyToManyField(
        "partnership.PartnerOrganization",
        verbose_name=_("partner organizations"),
        blank=True,
        related_name="strategy_proposals",
    )
    resources = models.TextField(_("resources needed"), blank=True)
    timeline = models.TextField(_("timeline"), blank=True)
    focus_area = models.ForeignKey(
        "partnership.FocusArea",
        verbose_name=_("focus area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="strategy_proposals",
    )
    characteristics = models.ManyToManyField(
        "partnership.WelcomingCharacteristic",
        verbose_name=_("characteristics of a welcoming community"),
        blank=True,
        related_name="strategy_proposals",
    )
    gaps = models.ManyToManyField(
        "strategy.Gap", verbose_name=_("gaps addressed"), blank=True, related_name="proposals"
    )
    status = models.CharField(_("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ("-created_at", "id")
        indexes = [models.Index(fields=("cycle", "status")), models.Index(fields=("body", "status"))]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == ProposalStatus.DRAFT


class EquityQuestion(TranslatableModel):
    """One question of the equity lens every proposal answers (configurable in the admin)."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    translations = TranslatedFields(
        text=models.CharField(_("question"), max_length=500),
        help_text=models.TextField(_("guidance"), blank=True),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("equity lens question")
        verbose_name_plural = _("equity lens questions")
        ordering = ("position", "id")

    def __str__(self) -> str:
        return str(self.safe_translation_getter("text", any_language=True) or self.pk)


class EquityAnswer(models.Model):
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="equity_answers"
    )
    question = models.ForeignKey(
        EquityQuestion, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    answer = models.TextField(_("answer"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("equity lens answer")
        verbose_name_plural = _("equity lens answers")
        ordering = ("question__position", "id")
        constraints = [
            models.UniqueConstraint(fields=("proposal", "question"), name="strategy_one_answer_per_question")
        ]

    def __str__(self) -> str:
        return self.answer[:80]


class Indicator(models.Model):
    """How success is measured. Written on a proposal; when the proposal becomes an action the same
    indicator is attached to the action and tracked with IndicatorValue rows."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    action = models.ForeignKey(
        "strategy.Action",
        verbose_name=_("priority action"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    name = models.CharField(_("indicator"), max_length=300)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=100, blank=True, help_text=_("For example: people, %, days."))
    source = models.CharField(_("data source"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ("position", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(proposal__isnull=False) | Q(action__isnull=False),
                name="strategy_indicator_has_owner",
                violation_error_message=_("An indicator belongs to a proposal or an action."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Comment(models.Model):
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return self.text[:80]


class AmendableField(models.TextChoices):
    TITLE = "title", _("Title")
    PROBLEM = "problem", _("The problem")
    ACTION = "action", _("The action")
    RESOURCES = "resources", _("Resources needed")
    TIMELINE = "timeline", _("Timeline")


class AmendmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Amendment(models.Model):
    """A proposed change to one part of a proposal's text; its author or the body's chair accepts or
    rejects it. Accepting replaces the text."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="amendments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    field = models.CharField(_("part of the proposal"), max_length=20, choices=AmendableField.choices)
    proposed_text = models.TextField(_("proposed text"))
    rationale = models.TextField(_("why"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=AmendmentStatus.choices, default=AmendmentStatus.OPEN)
    created_at = models.DateTimeField(_("proposed"), default=timezone.now, editable=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted or rejected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("accepted or rejected"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return self.proposed_text[:80]


class AdvisoryPosition(models.TextChoices):
    SUPPORT = "support", _("Supports")
    SUPPORT_WITH_CHANGES = "support_with_changes", _("Supports with changes")
    CONCERNS = "concerns", _("Has concerns")
    NO_POSITION = "no_position", _("No position")


class AdvisoryInput(models.Model):
    """The Immigrant Advisory Table's input on a proposal (one record per advisory body and proposal)."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="advisory_inputs"
    )
    body = models.ForeignKey(
        "partnership.Body",
        verbose_name=_("advisory body"),
        on_delete=models.PROTECT,
        related_name="strategy_advisory_inputs",
    )
    position = models.CharField(
        _("position"), max_length=25, choices=AdvisoryPosition.choices, default=AdvisoryPosition.NO_POSITION
    )
    text = models.TextField(_("input"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("advisory input")
        verbose_name_plural = _("advisory input")
        ordering = ("recorded_at", "id")
        constraints = [
            models.UniqueConstraint(fields=("proposal", "body"), name="strategy_one_advisory_input_per_body")
        ]

    def __str__(self) -> str:
        return self.text[:80]
