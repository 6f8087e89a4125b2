"""The strategy workspace's pages. Thin: check who may (rules), call a selector or a service, render.

Someone who may not read a record gets 404 (its existence is not revealed); someone who may read it
but not change it gets 403. Anonymous visitors are sent to the login page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newstart.strategy import selectors, services
from newstart.strategy.forms import (
    ActivityForm,
    AdvisoryInputForm,
    AmendmentForm,
    CommentForm,
    DecisionForm,
    EvidenceForm,
    GapForm,
    IndicatorForm,
    ProposalForm,
    ScoreForm,
    VoteForm,
    model_data,
)
from newstart.strategy.models import (
    PHASE_ORDER,
    AmendmentStatus,
    GapStatus,
    PhaseAction,
    PhaseKind,
    Proposal,
    ProposalStatus,
    StrategyCycle,
)

View = Callable[..., HttpResponse]


def workspace_view(view: View) -> View:
    """Logged in (else to the login page) and a participant of the partnership (else 403)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm("strategy.read_cycle"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _cycle(slug: str) -> StrategyCycle:
    cycle = selectors.cycle_get(slug=slug)
    if cycle is None:
        raise Http404
    return cycle


def _require(request: HttpRequest, obj: Any, *, read: str, write: str | None = None) -> Any:
    """The object, if the person may read it (else 404) and, when asked, change it (else 403)."""
    if obj is None or not request.user.has_perm(read, obj):
        raise Http404
    if write is not None and not request.user.has_perm(write, obj):
        raise PermissionDenied
    return obj


def _form_error(form: BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _status(request: HttpRequest) -> int:
    """A form shown again after a POST had errors: 400, so that scripts and tests notice."""
    return 400 if request.method == "POST" else 200


def _flash_error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _cycle_context(cycle: StrategyCycle) -> dict[str, Any]:
    return {
        "cycle": cycle,
        "open_phases": selectors.cycle_open_phases(cycle=cycle),
        "allows": {action: selectors.cycle_allows(cycle=cycle, action=action) for action in PhaseAction.values},
    }


def _proposal(request: HttpRequest, cycle: StrategyCycle, pk: int, *, write: str | None = None) -> Proposal:
    proposal = selectors.proposal_get(cycle=cycle, pk=pk)
    proposal = _require(request, proposal, read="strategy.read_proposal", write=write)
    assert proposal is not None
    return proposal


def _proposal_url(proposal: Proposal) -> str:
    return reverse("strategy:proposal", args=[proposal.cycle.slug, proposal.pk])


# --- Cycles ---
@workspace_view
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    current = selectors.cycle_current()
    if current is not None and request.GET.get("all") is None:
        return HttpResponseRedirect(reverse("strategy:cycle", args=[current.slug]))
    return render(request, "strategy/cycle_list.html", {"cycles": selectors.cycle_list()})


@workspace_view
@require_GET
def cycle_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = _cycle(slug)
    today = timezone.localdate()
    phases = selectors.cycle_phases(cycle=cycle)
    dashboards = [
        (phase, selectors.dashboard_items(cycle=cycle, user=request.user, kind=phase.kind))
        for phase in phases
        if phase.is_open(today)
    ]
    context = {**_cycle_context(cycle), "phases": phases, "today": today, "dashboards": dashboards}
    return render(request, "strategy/cycle_detail.html", context)


@workspace_view
@require_GET
def phase_dashboard(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    cycle = _cycle(slug)
    if kind not in PHASE_ORDER:
        raise Http404
    phase = selectors.phase_for(cycle=cycle, kind=kind)
    items = selectors.dashboard_items(cycle=cycle, user=request.user, kind=kind)
    context = {**_cycle_context(cycle), "phase": phase, "kind_label": PhaseKind(kind).label, "items": items}
    return render(request, "strategy/phase_dashboard.html", context)


@workspace_view
@require_POST
def start_prioritisation(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = _cycle(slug)
    if not request.user.has_perm("strategy.manage_cycle", cycle):
        raise PermissionDenied
    moved = services.cycle_start_prioritisation(cycle=cycle, user=request.user)
    messages.success(request, _("%(count)s proposals moved into prioritisation.") % {"count": moved})
    return HttpResponseRedirect(reverse("strategy:cycle", args=[cycle.slug]))


# --- Inventory ---
@workspace_view
@require_GET
def activity_list(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = _cycle(slug)
    activities = selectors.activity_list(cycle=cycle, user=request.user)
    return render(request, "strategy/activity_list.html", {**_cycle_context(cycle), "activities": activities})


@workspace_view
@require_GET
def activity_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cycle = _cycle(slug)
    activity = _require(request, selectors.activity_get(cycle=cycle, pk=pk), read="strategy.read_activity")
    return render(request, "strategy/activity_detail.html", {**_cycle_context(cycle), "activity": activity})


@workspace_view
@require_http_methods(["GET", "POST"])
def activity_form(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    cycle = _cycle(slug)
    activity = None
    if pk is not None:
        activity = _require(
            request,
            selectors.activity_get(cycle=cycle, pk=pk),
            read="strategy.read_activity",
            write="strategy.edit_activity",
        )
    elif not request.user.has_perm("strategy.create_activity"):
        raise PermissionDenied
    bodies = selectors.bodies_for_records(user=request.user)
    form = ActivityForm(request.POST or None, instance=activity, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        try:
            if activity is None:
                activity = services.activity_create(cycle=cycle, user=request.user, data=model_data(form))
            else:
                activity = services.activity_update(activity=activity, user=request.user, data=model_data(form))
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The activity was saved."))
            return HttpResponseRedirect(reverse("strategy:activity", args=[cycle.slug, activity.pk]))
    title = _("Edit the activity") if pk else _("Add an activity to the inventory")
    return render(
        request, "strategy/form.html", {**_cycle_context(cycle), "form": form, "title": title}, status=_status(request)
    )


# --- Gaps ---
@workspace_view
@require_GET
def gap_list(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = _cycle(slug)
    status = request.GET.get("status") or None
    if status not in (None, *GapStatus.values):
        status = None
    gaps = selectors.gap_list(cycle=cycle, user=request.user, status=status)
    context = {**_cycle_context(cycle), "gaps": gaps, "statuses": GapStatus.choices, "status": status}
    return render(request, "strategy/gap_list.html", context)


@workspace_view
@require_GET
def gap_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cycle = _cycle(slug)
    gap = _require(request, selectors.gap_get(cycle=cycle, pk=pk), read="strategy.read_gap")
    evidence_form = None
    if request.user.has_perm("strategy.edit_gap", gap):
        evidence_form = EvidenceForm(activities=selectors.activity_list(cycle=cycle, user=request.user))
    context = {**_cycle_context(cycle), "gap": gap, "evidence_form": evidence_form}
    return render(request, "strategy/gap_detail.html", context)


@workspace_view
@require_http_methods(["GET", "POST"])
def gap_form(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    cycle = _cycle(slug)
    gap = None
    if pk is not None:
        gap = _require(
            request, selectors.gap_get(cycle=cycle, pk=pk), read="strategy.read_gap", write="strategy.edit_gap"
        )
    elif not request.user.has_perm("strategy.create_gap"):
        raise PermissionDenied
    bodies = selectors.bodies_for_records(user=request.user)
    form = GapForm(request.POST or None, instance=gap, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        try:
            if gap is None:
                gap = services.gap_create(cycle=cycle, user=request.user, data=model_data(form))
            else:
                gap = services.gap_update(gap=gap, user=request.user, data=model_data(form))
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The gap was saved."))
            return HttpResponseRedirect(reverse("strategy:gap", args=[cycle.slug, gap.pk]))
    title = _("Edit the gap") if pk else _("Add a gap to the register")
    return render(
        request, "strategy/form.html", {**_cycle_context(cycle), "form": form, "title": title}, status=_status(request)
    )


@workspace_view
@require_POST
def evidence_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cycle = _cycle(slug)
    gap = _require(request, selectors.gap_get(cycle=cycle, pk=pk), read="strategy.read_gap", write="strategy.edit_gap")
    form = EvidenceForm(request.POST, activities=selectors.activity_list(cycle=cycle, user=request.user))
    if form.is_valid():
        try:
            services.evidence_add(gap=gap, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _flash_error(request, error)
        else:
            messages.success(request, _("The evidence was added."))
    else:
        messages.error(request, _("The evidence was not added: fill in its kind and text."))
    return HttpResponseRedirect(reverse("strategy:gap", args=[cycle.slug, gap.pk]))


# --- Proposals ---
@workspace_view
@require_GET
def proposal_list(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = _cycle(slug)
    status = request.GET.get("status") or None
    if status not in (None, *ProposalStatus.values):
        status = None
    proposals = selectors.proposal_list(cycle=cycle, user=request.user, status=status)
    context = {**_cycle_context(cycle), "proposals": proposals, "statuses": ProposalStatus.choices, "status": status}
    return render(request, "strategy/proposal_list.html", context)


@workspace_view
@require_GET
def proposal_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cycle = _cycle(slug)
    proposal = _proposal(request, cycle, pk)
    user = request.user
    can = {
        name: user.has_perm(f"strategy.{name}", proposal)
        for name in (
            "edit_proposal",
            "submit_proposal",
            "withdraw_proposal",
            "comment_proposal",
            "amend_proposal",
            "resolve_amendment",
            "give_advisory_input",
            "score_proposal",
            "decide_proposal",
        )
    }
    context = {
        **_cycle_context(cycle),
        "proposal": proposal,
        "equity_lens": selectors.equity_lens(proposal=proposal),
        "can": can,
        "comment_form": CommentForm() if can["comment_proposal"] else None,
        "amendment_form": AmendmentForm() if can["amend_proposal"] else None,
        "indicator_form": IndicatorForm() if can["edit_proposal"] else None,
        "open_amendment": AmendmentStatus.OPEN,
    }
    return render(request, "strategy/proposal_detail.html", context)


@workspace_view
@require_http_methods(["GET", "POST"])
def proposal_form(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    cycle = _cycle(slug)
    proposal = None
    if pk is not None:
        proposal = _proposal(request, cycle, pk, write="strategy.edit_proposal")
    elif not request.user.has_perm("strategy.create_proposal"):
        raise PermissionDenied
    questions = list(selectors.equity_questions())
    answers = {a.question_id: a.answer for a in proposal.equity_answers.all()} if proposal else {}
    form = ProposalForm(
        request.POST or None,
        instance=proposal,
        bodies=selectors.bodies_for_records(user=request.user),
        gaps=selectors.gap_choices(cycle=cycle, user=request.user),
        questions=questions,
        answers=answers,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if proposal is None:
                proposal = services.proposal_create(
                    cycle=cycle, user=request.user, data=model_data(form), equity_answers=form.equity_answers()
                )
            else:
                proposal = services.proposal_update(
                    proposal=proposal, user=request.user, data=model_data(form), equity_answers=form.equity_answers()
                )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The draft was saved."))
            return HttpResponseRedirect(reverse("strategy:proposal", args=[cycle.slug, proposal.pk]))
    title = _("Edit the proposal") if pk else _("Propose a priority action")
    return render(
        request, "strategy/form.html", {**_cycle_context(cycle), "form": form, "title": title}, status=_status(request)
    )


def _proposal_post(
    request: HttpRequest, slug: str, pk: int, *, perm: str, act: Callable[[Proposal], Any], done: str
) -> HttpResponse:
    cycle = _cycle(slug)
    proposal = _proposal(request, cycle, pk, write=perm)
    try:
        act(proposal)
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(_proposal_url(proposal))


@workspace_view
@require_POST
def proposal_submit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _proposal_post(
        request,
        slug,
        pk,
        perm="strategy.submit_proposal",
        act=lambda p: services.proposal_submit(proposal=p, user=request.user),
        done=_("The proposal was submitted."),
    )


@workspace_view
@require_POST
def proposal_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _proposal_post(
        request,
        slug,
        pk,
        perm="strategy.withdraw_proposal",
        act=lambda p: services.proposal_withdraw(proposal=p, user=request.user),
        done=_("The proposal was withdrawn."),
    )


@workspace_view
@require_POST
def indicator_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    form = IndicatorForm(request.POST)

    def act(proposal: Proposal) -> None:
        if not form.is_valid():
            raise ValidationError(_("The indicator needs a name; baseline and target are numbers."))
        services.indicator_add(proposal=proposal, user=request.user, **form.cleaned_data)

    return _proposal_post(request, slug, pk, perm="strategy.edit_proposal", act=act, done=_("The indicator was added."))


@workspace_view
@require_POST
def indicator_remove(request: HttpRequest, slug: str, pk: int, indicator_pk: int) -> HttpResponse:
    def act(proposal: Proposal) -> None:
        indicator = proposal.indicators.filter(pk=indicator_pk).first()
        if indicator is None:
            raise Http404
        services.indicator_remove(indicator=indicator, user=request.user)

    return _proposal_post(
        request, slug, pk, perm="strategy.edit_proposal", act=act, done=_("The indicator was removed.")
    )


@workspace_view
@require_POST
def comment_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    form = CommentForm(request.POST)

    def act(proposal: Proposal) -> None:
        if not form.is_valid():
            raise ValidationError(_("Write a comment."))
        services.comment_add(proposal=proposal, user=request.user, text=form.cleaned_data["text"])

    return _proposal_post(
        request, slug, pk, perm="strategy.comment_proposal", act=act, done=_("Your comment was added.")
    )


@workspace_view
@require_POST
def amendment_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    form = AmendmentForm(request.POST)

    def act(proposal: Proposal) -> None:
        if not form.is_valid():
            raise ValidationError(_("Choose the part to change and write the proposed text."))
        services.amendment_propose(proposal=proposal, user=request.user, **form.cleaned_data)

    return _proposal_post(
        request, slug, pk, perm="strategy.amend_proposal", act=act, done=_("Your amendment was proposed.")
    )


@workspace_view
@require_POST
def amendment_resolve(request: HttpRequest, slug: str, pk: int, amendment_pk: int) -> HttpResponse:
    cycle = _cycle(slug)
    proposal = _proposal(request, cycle, pk, write="strategy.resolve_amendment")
    amendment = selectors.amendment_get(proposal=proposal, pk=amendment_pk)
    if amendment is None:
        raise Http404
    accept = request.POST.get("decision") == "accept"
    try:
        services.amendment_resolve(amendment=amendment, user=request.user, accept=accept)
    except ValidationError as error:
        _flash_error(request, error)
    else:
        messages.success(request, _("The amendment was accepted.") if accept else _("The amendment was rejected."))
    return HttpResponseRedirect(_proposal_url(proposal))


@workspace_view
@require_http_methods(["GET", "POST"])
def advisory_input(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cycle = _cycle(slug)
    proposal = _proposal(request, cycle, pk, write="strategy.give_advisory_input")
    bodies = selectors.advisory_bodies_for(user=request.user)
    existing = next((a for a in proposal.advisory_inputs.all() if a.body_id in {b.pk for b in bodies}), None)
    form = AdvisoryInputForm(request.POST or None, bodies=bodies, initial=AdvisoryInputForm.initial_for(existing))
    if request.method == "POST" and form.is_valid():
        try:
            services.advisory_input_save(proposal=proposal, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The advisory table's input was recorded."))
            return HttpResponseRedirect(_proposal_url(proposal))
    title = _("Advisory input on “%(title)s”") % {"title": proposal.title}
    return render(
        request, "strategy/form.html", {**_cycle_context(cycle), "form": form, "title": title}, status=_status(request)
    )


# --- Prioritisation ---
@workspace_view
@require_GET
def score_list(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = _cycle(slug)
    if not request.user.has_perm("strategy.vote", cycle):
        raise PermissionDenied
    rows = selectors.scoring_list(cycle=cycle, user=request.user)
    criteria = selectors.criterion_list(cycle=cycle)
    context = {**_cycle_context(cycle), "rows": rows, "criteria_count": len(criteria)}
    return render(request, "strategy/score_list.html", context)


@workspace_view
@require_http_methods(["GET", "POST"])
def proposal_score(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cycle = _cycle(slug)
    proposal = _proposal(request, cycle, pk, write="strategy.score_proposal")
    criteria = selectors.criterion_list(cycle=cycle)
    current = selectors.score_values(proposal=proposal, user=request.user)
    form = ScoreForm(request.POST or None, criteria=criteria, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.score_save(proposal=proposal, member=request.user, values=form.values())
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your scores were saved."))
            return HttpResponseRedirect(reverse("strategy:score_list", args=[cycle.slug]))
    context = {**_cycle_context(cycle), "form": form, "proposal": proposal}
    return render(request, "strategy/score_form.html", context, status=_status(request))


@workspace_view
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = _cycle(slug)
    if not request.user.has_perm("strategy.vote", cycle):
        raise PermissionDenied
    proposals = [p for p, _n in selectors.scoring_list(cycle=cycle, user=request.user)]
    ballot = selectors.ballot_view(cycle=cycle, user=request.user)
    form = VoteForm(
        request.POST or None, proposals=proposals, current=ballot.allocation, maximum=ballot.max_per_proposal
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.vote_allocation_set(cycle=cycle, member=request.user, allocation=form.allocation())
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your votes were saved."))
            return HttpResponseRedirect(reverse("strategy:vote", args=[cycle.slug]))
    context = {**_cycle_context(cycle), "form": form, "ballot": ballot}
    return render(request, "strategy/vote.html", context, status=_status(request))


@workspace_view
@require_GET
def results(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = _cycle(slug)
    if not request.user.has_perm("strategy.read_results", cycle):
        raise PermissionDenied
    context = {
        **_cycle_context(cycle),
        "criteria": selectors.criterion_list(cycle=cycle),
        "results": selectors.prioritisation_results(cycle=cycle),
        "can_decide": request.user.has_perm("strategy.decide", cycle),
    }
    return render(request, "strategy/results.html", context)


# --- Decisions ---
@workspace_view
@require_http_methods(["GET", "POST"])
def decision_form(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cycle = _cycle(slug)
    proposal = _proposal(request, cycle, pk, write="strategy.decide_proposal")
    body = selectors.deciding_body_for(cycle=cycle, user=request.user)
    form = DecisionForm(request.POST or None, initial={"decided_at": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            if body is None:
                raise ValidationError(_("There is no governance body to record the decision for."))
            services.decision_record(proposal=proposal, user=request.user, body=body, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The decision was recorded."))
            return HttpResponseRedirect(_proposal_url(proposal))
    context = {**_cycle_context(cycle), "form": form, "proposal": proposal, "body": body}
    return render(request, "strategy/decision_form.html", context, status=_status(request))
