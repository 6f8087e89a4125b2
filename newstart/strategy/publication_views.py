"""The workspace's pages for the published strategy, its tracking and the exports. Thin, as views.py:
check who may (rules), call a selector or a service, render.

Every participant reads the strategy, the tracking and the annual report; the staff publish and
translate the strategy; only the lead organization's people report quarterly progress; the lead
organization and the staff record indicator values and milestones; the secretariat downloads the
partnership's open data; a body's members download the body's records.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newstart.common.languages import INTERFACE_LANGUAGES
from newstart.strategy import open_data, reporting, selectors, services
from newstart.strategy.models import Action, Strategy, StrategyCycle
from newstart.strategy.tracking_forms import (
    IndicatorValueForm,
    MilestoneForm,
    ProgressUpdateForm,
    StrategyPublishForm,
    StrategyTranslationForm,
)
from newstart.strategy.views import _cycle, _cycle_context, _form_error, _status, workspace_view


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _strategy(cycle: StrategyCycle, version: int | None) -> Strategy:
    strategy = (
        selectors.strategy_latest(cycle=cycle)
        if version is None
        else selectors.strategy_get(cycle=cycle, version=version)
    )
    if strategy is None:
        raise Http404
    return strategy


def _action(cycle: StrategyCycle, number: int) -> Action:
    action = selectors.action_get(cycle=cycle, number=number)
    if action is None:
        raise Http404
    return action


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang") or ""
    codes = {lang.code for lang in INTERFACE_LANGUAGES}
    return wanted if wanted in codes else (translation.get_language() or "en")


# --- The strategy document ---
@workspace_view
@require_GET
def strategy_detail(request: HttpRequest, slug: str, version: int | None = None) -> HttpResponse:
    cycle = _cycle(slug)
    strategy = selectors.strategy_latest(cycle=cycle) if version is None else _strategy(cycle, version)
    can_publish = request.user.has_perm("strategy.publish_strategy", cycle)
    context: dict[str, Any] = {
        **_cycle_context(cycle),
        "versions": selectors.strategy_versions(cycle=cycle),
        "can_publish": can_publish,
        "publish_form": StrategyPublishForm() if can_publish else None,
        "action_count": selectors.action_list(cycle=cycle).count(),
        "languages": INTERFACE_LANGUAGES,
        "link_actions": True,
    }
    if strategy is not None:
        context.update(reporting.progress_context(strategy=strategy, prefix="strategy", with_charts=False))
    return render(request, "strategy/strategy_detail.html", context)


@workspace_view
@require_POST
def strategy_publish(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = _cycle(slug)
    if not request.user.has_perm("strategy.publish_strategy", cycle):
        raise PermissionDenied
    form = StrategyPublishForm(request.POST)
    if form.is_valid():
        try:
            strategy = services.strategy_publish(cycle=cycle, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request, _("Version %(version)s of the strategy was published.") % {"version": strategy.version}
            )
            return HttpResponseRedirect(reverse("strategy:strategy_version", args=[cycle.slug, strategy.version]))
    context = {
        **_cycle_context(cycle),
        "form": form,
        "title": _("Publish the strategy"),
    }
    return render(request, "strategy/form.html", context, status=400)


@workspace_view
@require_http_methods(["GET", "POST"])
def strategy_translate(request: HttpRequest, slug: str, version: int, language: str) -> HttpResponse:
    """One language tab of the strategy's title and summary."""
    cycle = _cycle(slug)
    strategy = _strategy(cycle, version)
    if not request.user.has_perm("strategy.translate_strategy", cycle):
        raise PermissionDenied
    if language not in {lang.code for lang in INTERFACE_LANGUAGES}:
        raise Http404
    existing = strategy.has_translation(language)
    initial = {"language": language}
    if existing:
        translated = strategy.get_translation(language)
        initial.update(title=translated.title, summary=translated.summary)
    form = StrategyTranslationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.strategy_translation_save(strategy=strategy, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The translation was saved."))
            return HttpResponseRedirect(
                reverse(
                    "strategy:strategy_translate", args=[cycle.slug, strategy.version, form.cleaned_data["language"]]
                )
            )
    context = {
        **_cycle_context(cycle),
        "strategy": strategy,
        "form": form,
        "language": language,
        "languages": [(lang, strategy.has_translation(lang.code)) for lang in INTERFACE_LANGUAGES],
    }
    return render(request, "strategy/strategy_translate.html", context, status=_status(request))


@workspace_view
@require_GET
def strategy_pdf(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    cycle = _cycle(slug)
    strategy = _strategy(cycle, version)
    pdf = reporting.strategy_pdf(strategy=strategy, language=_language(request))
    return _download(pdf, filename=f"strategy-{cycle.slug}-v{strategy.version}.pdf", content_type="application/pdf")


# --- Tracking ---
@workspace_view
@require_GET
def tracking(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = _cycle(slug)
    strategy = selectors.strategy_latest(cycle=cycle)
    context: dict[str, Any] = {
        **_cycle_context(cycle),
        "years": selectors.tracking_years(cycle=cycle),
        "can_export_open_data": request.user.has_perm("strategy.export_open_data"),
        "export_bodies": [
            body
            for body in selectors.bodies_for_records(user=request.user)
            if request.user.has_perm("strategy.export_body", body)
        ],
        "link_actions": True,
    }
    if strategy is not None:
        context.update(reporting.progress_context(strategy=strategy, prefix="tracking"))
    return render(request, "strategy/tracking.html", context)


@workspace_view
@require_GET
def action_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    cycle = _cycle(slug)
    action = _action(cycle, number)
    user = request.user
    can_report = user.has_perm("strategy.report_progress", action)
    can_track = user.has_perm("strategy.track_action", action)
    indicators = list(action.indicators.all())
    context = {
        **_cycle_context(cycle),
        "action": action,
        "can_report": can_report,
        "can_track": can_track,
        "published": selectors.action_is_published(action=action),
        "indicator_charts": [(i, reporting.indicator_chart(i)) for i in indicators],
        "updates": list(action.progress_updates.all()),
        "progress_form": ProgressUpdateForm(
            initial=ProgressUpdateForm.initial_for(status=action.status, progress=action.progress)
        )
        if can_report
        else None,
        "value_form": IndicatorValueForm(indicators=action.indicators.all(), initial={"date": timezone.localdate()})
        if can_track and indicators
        else None,
        "milestone_form": MilestoneForm() if can_track else None,
        "status_label": reporting.ActionRow(action=action, status=action.status, progress=action.progress).status_label,
    }
    return render(request, "strategy/action_detail.html", context)


def _action_url(action: Action) -> str:
    return reverse("strategy:action", args=[action.cycle.slug, action.number])


@workspace_view
@require_http_methods(["GET", "POST"])
def progress_update(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    cycle = _cycle(slug)
    action = _action(cycle, number)
    if not request.user.has_perm("strategy.report_progress", action):
        raise PermissionDenied
    form = ProgressUpdateForm(
        request.POST or None, initial=ProgressUpdateForm.initial_for(status=action.status, progress=action.progress)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_update_submit(action=action, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your quarterly update was saved."))
            return HttpResponseRedirect(_action_url(action))
    title = _("Quarterly update on “%(title)s”") % {"title": action.title}
    return render(
        request, "strategy/form.html", {**_cycle_context(cycle), "form": form, "title": title}, status=_status(request)
    )


@workspace_view
@require_POST
def indicator_value_add(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    cycle = _cycle(slug)
    action = _action(cycle, number)
    if not request.user.has_perm("strategy.track_action", action):
        raise PermissionDenied
    form = IndicatorValueForm(request.POST, indicators=action.indicators.all())
    if not form.is_valid():
        messages.error(request, _("The value was not recorded: choose the indicator and give a date and a number."))
    else:
        try:
            services.indicator_value_add(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The value was recorded."))
    return HttpResponseRedirect(_action_url(action))


@workspace_view
@require_POST
def milestone_add(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    cycle = _cycle(slug)
    action = _action(cycle, number)
    if not request.user.has_perm("strategy.track_action", action):
        raise PermissionDenied
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The milestone was not added: name it, and give a valid date if any."))
    else:
        try:
            services.milestone_add(action=action, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The milestone was added."))
    return HttpResponseRedirect(_action_url(action))


@workspace_view
@require_POST
def milestone_complete(request: HttpRequest, slug: str, number: int, pk: int) -> HttpResponse:
    cycle = _cycle(slug)
    action = _action(cycle, number)
    if not request.user.has_perm("strategy.track_action", action):
        raise PermissionDenied
    milestone = action.milestones.filter(pk=pk).first()
    if milestone is None:
        raise Http404
    try:
        services.milestone_complete(milestone=milestone, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The milestone was marked as reached."))
    return HttpResponseRedirect(_action_url(action))


@workspace_view
@require_GET
def annual_report(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    cycle = _cycle(slug)
    if not cycle.starts_on.year <= year <= cycle.ends_on.year:
        raise Http404
    try:
        pdf = reporting.annual_report_pdf(cycle=cycle, year=year, language=_language(request))
    except ValueError:
        raise Http404 from None
    return _download(pdf, filename=f"annual-report-{cycle.slug}-{year}.pdf", content_type="application/pdf")


# --- Exports ---
@workspace_view
@require_GET
def open_data_download(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("strategy.export_open_data"):
        raise PermissionDenied
    content = open_data.open_data_zip(public=False)
    day = timezone.localdate().isoformat()
    return _download(content, filename=f"strategy-data-partnership-{day}.zip", content_type="application/zip")


@workspace_view
@require_GET
def body_export(request: HttpRequest, slug: str, body_slug: str) -> HttpResponse:
    """A body's records in the cycle, for its members (and the staff). Someone who may not read the
    body gets 404; someone who may read it (a public body) but does not sit on it, 403."""
    cycle = _cycle(slug)
    body = selectors.body_for_export(slug=body_slug)
    if body is None or not request.user.has_perm("partnership.read_body", body):
        raise Http404
    if not request.user.has_perm("strategy.export_body", body):
        raise PermissionDenied
    content = open_data.body_export_zip(body=body, cycle=cycle)
    return _download(content, filename=f"{body.slug}-{cycle.slug}.zip", content_type="application/zip")
