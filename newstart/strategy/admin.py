"""The strategy's records in the admin, for the secretariat: reference lists (criteria, equity lens
questions, vote budgets), cycles and phases, and corrections. Every change is kept in history."""

from __future__ import annotations

from django.contrib import admin
from parler.admin import TranslatableAdmin
from simple_history.admin import SimpleHistoryAdmin

from newstart.strategy.models import (
    Action,
    Activity,
    AdvisoryInput,
    Amendment,
    Ballot,
    Comment,
    Criterion,
    EquityAnswer,
    EquityQuestion,
    Evidence,
    Gap,
    Indicator,
    IndicatorValue,
    Milestone,
    Phase,
    ProgressUpdate,
    Proposal,
    ProposalDecision,
    Score,
    Strategy,
    StrategyAction,
    StrategyCycle,
    Vote,
    VoteBudget,
)


class PhaseInline(admin.TabularInline[Phase, StrategyCycle]):
    model = Phase
    extra = 0


class CriterionInline(admin.TabularInline[Criterion, StrategyCycle]):
    model = Criterion
    extra = 0


class VoteBudgetInline(admin.StackedInline[VoteBudget, StrategyCycle]):
    model = VoteBudget
    extra = 0
    max_num = 1


@admin.register(StrategyCycle)
class StrategyCycleAdmin(SimpleHistoryAdmin):
    list_display = ("name", "starts_on", "ends_on")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("prioritising_bodies",)
    inlines = (PhaseInline, CriterionInline, VoteBudgetInline)


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ("title", "cycle", "body", "focus_area")
    list_filter = ("cycle", "body")
    search_fields = ("title",)
    autocomplete_fields = ("services",)
    filter_horizontal = ("organizations", "characteristics")


class EvidenceInline(admin.StackedInline[Evidence, Gap]):
    model = Evidence
    extra = 0
    raw_id_fields = ("activity",)


@admin.register(Gap)
class GapAdmin(SimpleHistoryAdmin):
    list_display = ("title", "cycle", "body", "severity", "status")
    list_filter = ("cycle", "status", "severity")
    search_fields = ("title",)
    filter_horizontal = ("characteristics",)
    inlines = (EvidenceInline,)


class EquityAnswerInline(admin.StackedInline[EquityAnswer, Proposal]):
    model = EquityAnswer
    extra = 0


class IndicatorInline(admin.TabularInline[Indicator, Proposal]):
    model = Indicator
    fk_name = "proposal"
    extra = 0
    raw_id_fields = ("action",)


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ("title", "cycle", "body", "status", "submitted_at")
    list_filter = ("cycle", "status", "body")
    search_fields = ("title",)
    filter_horizontal = ("partner_organizations", "characteristics", "gaps")
    raw_id_fields = ("author",)
    inlines = (EquityAnswerInline, IndicatorInline)


@admin.register(EquityQuestion)
class EquityQuestionAdmin(TranslatableAdmin, SimpleHistoryAdmin):
    list_display = ("__str__", "position", "active")


@admin.register(Strategy)
class StrategyAdmin(TranslatableAdmin, SimpleHistoryAdmin):
    list_display = ("__str__", "cycle", "version", "published_at")


for _model in (
    Comment,
    Amendment,
    AdvisoryInput,
    Criterion,
    Score,
    VoteBudget,
    Ballot,
    Vote,
    ProposalDecision,
    Action,
    StrategyAction,
    Milestone,
    Indicator,
    IndicatorValue,
    ProgressUpdate,
    Phase,
):
    admin.site.register(_model, SimpleHistoryAdmin)
