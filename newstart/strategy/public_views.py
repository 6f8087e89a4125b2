"""The public accountability pages (no login): the published strategy, its actions with their status
and progress, indicator charts with their data, the strategy as PDF and the public open data.

Only published strategies and what they contain are shown; nothing from drafts, private bodies or
people (see newstart.strategy.reporting and newstart.strategy.open_data)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from newstart.strategy import open_data, reporting, selectors
from newstart.strategy.models import StrategyCycle


def _page(request: HttpRequest, cycle: StrategyCycle | None) -> HttpResponse:
    strategy = selectors.strategy_latest(cycle=cycle) if cycle is not None else None
    context = {
        "cycle": cycle,
        "cycles": selectors.cycle_published_list(),
        "link_actions": False,
        "show_details": True,
    }
    if strategy is not None:
        context.update(reporting.progress_context(strategy=strategy, prefix="public"))
    response = render(request, "strategy/public/accountability.html", context)
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def accountability(request: HttpRequest) -> HttpResponse:
    return _page(request, selectors.cycle_published_list().first())


@require_GET
def accountability_cycle(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = selectors.cycle_published_list().filter(slug=slug).first()
    if cycle is None:
        raise Http404
    return _page(request, cycle)


@require_GET
def strategy_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    cycle = selectors.cycle_published_list().filter(slug=slug).first()
    strategy = selectors.strategy_latest(cycle=cycle) if cycle is not None else None
    if cycle is None or strategy is None:
        raise Http404
    pdf = reporting.strategy_pdf(strategy=strategy, language=translation.get_language())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="strategy-{cycle.slug}-v{strategy.version}.pdf"'
    return response


@require_GET
def open_data_download(request: HttpRequest) -> HttpResponse:
    content = open_data.open_data_zip(public=True)
    response = HttpResponse(content, content_type="application/zip")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="strategy-open-data-{day}.zip"'
    return response
