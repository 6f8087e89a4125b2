"""The Insights pages of the partnership workspace (mounted at /workspace/insights/). Thin: check the
permission, parse the form, call the analysis or a selector, render."""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newstart.insights import health, selectors
from newstart.insights.charts import Bar, Chart, bar_chart, format_number
from newstart.insights.forms import GapForm, GapRegisterForm, ImportForm, OverlapForm, gap_form_data
from newstart.insights.gaps import (
    COLUMNS,
    GAP_CLASSES,
    GapAnalysis,
    GapParameters,
    gap_analysis,
    gap_geojson,
    map_features,
)
from newstart.insights.languages import census_language_name
from newstart.insights.models import TaskKind
from newstart.insights.overlap import service_overlaps
from newstart.insights.tasks import import_start, recompute_start

View = Callable[..., HttpResponse]

# The map's colour per gap class (0 = no gap), light to dark; the legend and the table show them too.
GAP_COLOURS = ("#f1f1f1", "#fdd49e", "#fc8d59", "#d7301f", "#7f0000")
assert len(GAP_COLOURS) == GAP_CLASSES
# The overlap page lists at most this many pairs.
MAX_OVERLAP_PAIRS = 200


def insights_view(view: View) -> View:
    """Logged in (else the login page) and allowed to see insights (else 403)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm("insights.view_insights"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _category_names() -> dict[str, str]:
    return {choice.code: choice.name for choice in selectors.settlement_category_list()}


def _describe(parameters: GapParameters) -> str:
    category = _category_names().get(parameters.category, parameters.category)
    if parameters.language:
        return _("%(category)s in %(language)s") % {
            "category": category,
            "language": census_language_name(parameters.language),
        }
    return _("%(category)s for recent immigrants") % {"category": category}


def _query(parameters: GapParameters) -> str:
    return urlencode({key: value for key, value in parameters.as_dict().items()})


def _gap_form(data: Any) -> GapForm:
    values = gap_form_data(data)
    if not values["category"]:
        codes = [choice.code for choice in selectors.settlement_category_list()]
        values["category"] = "LANG" if "LANG" in codes else (codes[0] if codes else "")
    return GapForm(values)


# --- Overview -------------------------------------------------------------------------------------------


@insights_view
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    names = _category_names()
    summaries: list[dict[str, Any]] = []
    for result in selectors.gap_result_list():
        top = result.rows[0] if result.rows else None
        parameters = GapParameters(
            category=result.category,
            language=result.language,
            method=result.method,  # type: ignore[arg-type]
            catchment_km=result.catchment_km,
        )
        summaries.append(
            {
                "category": names.get(result.category, result.category),
                "code": result.category,
                "language": census_language_name(result.language) if result.language else _("Recent immigrants"),
                "top": top,
                "url": f"{reverse('insights:gaps')}?{_query(parameters)}",
                "computed_at": result.computed_at,
            }
        )
    summaries.sort(key=lambda s: -(s["top"]["gap"] if s["top"] else 0))
    context = {"summaries": summaries, "can_run": request.user.has_perm("insights.run_insights_tasks")}
    return render(request, "insights/index.html", context)


# --- Gap analysis ---------------------------------------------------------------------------------------------


def _gap_chart(analysis: GapAnalysis, title: str) -> Chart:
    return bar_chart(
        chart_id="gap-chart",
        title=title,
        bars=[
            Bar(row.area, row.gap, (format_number(row.demand), format_number(row.access_per_1000, 2)))
            for row in analysis.rows
        ],
        label_header=_("Area"),
        value_header=_("Gap (unserved demand)"),
        extra_headers=(_("Demand (people)"), _("Access per 1,000 people")),
    )


def _register_context(request: HttpRequest, analysis: GapAnalysis, title: str) -> dict[str, Any] | None:
    """The "add to the gaps register" form, when the strategy app is installed, a cycle is open for
    gaps and the person may record gaps for at least one body; else None (the button is hidden)."""
    if not apps.is_installed("newstart.strategy"):
        return None
    from newstart.strategy import selectors as strategy_selectors
    from newstart.strategy.models import PhaseAction

    if not request.user.has_perm("strategy.create_gap"):
        return None
    cycle = strategy_selectors.cycle_current()
    if cycle is None or not strategy_selectors.cycle_allows(cycle=cycle, action=PhaseAction.GAP_EDIT):
        return None
    bodies = strategy_selectors.bodies_for_records(user=request.user)
    if not bodies.exists():
        return None
    form = GapRegisterForm(initial={"title": title[:300]}, bodies=bodies)
    return {"cycle": cycle, "form": form}


@insights_view
@require_GET
def gaps(request: HttpRequest) -> HttpResponse:
    form = _gap_form(request.GET)
    context: dict[str, Any] = {"form": form, "columns": [label for _key, label in COLUMNS]}
    if not form.is_valid():
        return render(request, "insights/gaps.html", context, status=400 if request.GET else 200)
    parameters = form.parameters()
    analysis = gap_analysis(parameters=parameters)
    title = _("Gaps in %(subject)s") % {"subject": _describe(parameters)}
    query = _query(parameters)
    largest = analysis.rows[0].gap if analysis.rows else 0.0
    legend = [
        {
            "colour": GAP_COLOURS[0],
            "label": _("no gap: access at or above the city average"),
        },
        *(
            {
                "colour": GAP_COLOURS[cls],
                "label": _("gap up to %(high)s people") % {"high": format_number(largest * cls / (GAP_CLASSES - 1))},
            }
            for cls in range(1, GAP_CLASSES)
        ),
    ]
    context.update(
        {
            "analysis": analysis,
            "title": title,
            "demand_label": parameters.demand_label(),
            "rows": [(row, GAP_COLOURS[row.gap_class]) for row in analysis.rows],
            "chart": _gap_chart(analysis, title),
            "features": [
                {**feature, "colour": GAP_COLOURS[feature["cls"]]} for feature in map_features(analysis=analysis)
            ],
            "legend": legend,
            "has_boundaries": any(f.get("boundary") for f in map_features(analysis=analysis)),
            "tile_url": settings.NAVIGATOR_TILE_URL,
            "tile_attribution": settings.NAVIGATOR_TILE_ATTRIBUTION,
            "csv_url": f"{reverse('insights:gaps_csv')}?{query}",
            "geojson_url": f"{reverse('insights:gaps_geojson')}?{query}",
            "register": _register_context(request, analysis, title),
            "query": query,
        }
    )
    return render(request, "insights/gaps.html", context)


def _analysis_or_404(request: HttpRequest) -> GapAnalysis:
    form = _gap_form(request.GET)
    if not form.is_valid():
        raise Http404
    return gap_analysis(parameters=form.parameters())


def _filename(analysis: GapAnalysis, extension: str) -> str:
    p = analysis.parameters
    return slugify(f"gaps-{p.category}-{p.language or 'recent-immigrants'}-{p.method}-{p.catchment_km:g}km") + extension


@insights_view
@require_GET
def gaps_csv(request: HttpRequest) -> HttpResponse:
    analysis = _analysis_or_404(request)
    out = io.StringIO()
    rows = analysis.as_rows()
    writer = csv.DictWriter(
        out,
        fieldnames=[
            "rank",
            "area",
            "slug",
            "demand",
            "accessible_supply",
            "access_per_1000",
            "relative_access",
            "gap",
        ],
    )
    writer.writeheader()
    writer.writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(analysis, ".csv")}"'
    return response


@insights_view
@require_GET
def gaps_geojson(request: HttpRequest) -> HttpResponse:
    analysis = _analysis_or_404(request)
    body = json.dumps(gap_geojson(analysis=analysis), ensure_ascii=False)
    response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(analysis, ".geojson")}"'
    return response


@insights_view
@require_POST
def gaps_register(request: HttpRequest) -> HttpResponse:
    form = _gap_form(request.POST)
    if not form.is_valid():
        raise Http404
    parameters = form.parameters()
    back = f"{reverse('insights:gaps')}?{_query(parameters)}"
    analysis = gap_analysis(parameters=parameters)
    title = _("Gaps in %(subject)s") % {"subject": _describe(parameters)}
    register = _register_context(request, analysis, title)
    if register is None:
        raise PermissionDenied
    from newstart.strategy.services import gap_create

    register_form = GapRegisterForm(request.POST, bodies=register["form"].fields["body"].queryset)
    if not register_form.is_valid():
        messages.error(request, _("The gap was not added: choose the body that records it and give it a title."))
        return HttpResponseRedirect(back)
    top = [row for row in analysis.rows if row.gap > 0][:5]
    areas = ", ".join(_("%(area)s (%(gap)s people)") % {"area": row.area, "gap": format_number(row.gap)} for row in top)
    description = _(
        "From the insights gap analysis of %(subject)s (%(method)s, %(catchment)s km catchment; census %(year)s). "
        "Areas with the largest unserved demand: %(areas)s."
    ) % {
        "subject": _describe(parameters),
        "method": parameters.method.upper(),
        "catchment": f"{parameters.catchment_km:g}",
        "year": analysis.year or "",
        "areas": areas or _("none"),
    }
    source = {
        "app": "insights",
        "kind": "service_gap",
        **parameters.as_dict(),
        "url": request.build_absolute_uri(back),
        "computed_at": timezone.now().isoformat(),
        "top_areas": [{"area": row.slug, "gap": round(row.gap, 2), "demand": row.demand} for row in top],
    }
    try:
        gap = gap_create(
            cycle=register["cycle"],
            user=request.user,
            data={
                "body": register_form.cleaned_data["body"],
                "title": register_form.cleaned_data["title"],
                "description": description,
                "populations_affected": parameters.demand_label()[:300],
            },
            source_url=request.build_absolute_uri(back),
            source=source,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(back)
    messages.success(request, _("The gap was added to the register."))
    return HttpResponseRedirect(reverse("strategy:gap", args=[register["cycle"].slug, gap.pk]))


# --- Overlap --------------------------------------------------------------------------------------------------


@insights_view
@require_GET
def overlap(request: HttpRequest) -> HttpResponse:
    form = OverlapForm(request.GET or None)
    pairs = service_overlaps(settings=form.settings())
    context = {"form": form, "pairs": pairs[:MAX_OVERLAP_PAIRS], "total": len(pairs), "limit": MAX_OVERLAP_PAIRS}
    return render(request, "insights/overlap.html", context)


# --- Directory health -----------------------------------------------------------------------------------------


@insights_view
@require_GET
def directory_health(request: HttpRequest) -> HttpResponse:
    coverage = health.language_coverage()
    freshness = health.verification_freshness()
    areas = health.services_per_recent_immigrants()
    charts = {
        "coverage": bar_chart(
            chart_id="coverage-chart",
            title=_("Services per 10,000 people speaking the language at home"),
            bars=[
                Bar(row.name, row.per_10000 or 0.0, (format_number(row.speakers), format_number(row.services)))
                for row in coverage
            ],
            label_header=_("Language"),
            value_header=_("Services per 10,000 speakers"),
            extra_headers=(_("People speaking it at home"), _("Services in the language")),
            places=1,
        ),
        "freshness": bar_chart(
            chart_id="freshness-chart",
            title=_("Services by time since they were last verified"),
            bars=[Bar(band.label, band.count) for band in freshness.bands],
            label_header=_("Last verified"),
            value_header=_("Services"),
        ),
        "areas": bar_chart(
            chart_id="areas-chart",
            title=_("Services per 1,000 recent immigrants, by local area"),
            bars=[
                Bar(row.name, row.per_1000 or 0.0, (format_number(row.recent_immigrants), format_number(row.services)))
                for row in areas
            ],
            label_header=_("Area"),
            value_header=_("Services per 1,000 recent immigrants"),
            extra_headers=(_("Recent immigrants"), _("Services located there")),
            places=1,
        ),
    }
    context = {"charts": charts, "freshness": freshness, "percent_within": round(100 * freshness.share_within)}
    return render(request, "insights/health.html", context)


# --- Background work ------------------------------------------------------------------------------------------


def _require_runner(request: HttpRequest) -> None:
    if not request.user.has_perm("insights.run_insights_tasks"):
        raise PermissionDenied


@insights_view
@require_http_methods(["GET", "POST"])
def tasks(request: HttpRequest) -> HttpResponse:
    can_run = request.user.has_perm("insights.run_insights_tasks")
    form = ImportForm()
    if request.method == "POST":
        _require_runner(request)
        if request.POST.get("action") == "recompute":
            progress = recompute_start(user=request.user)
            return HttpResponseRedirect(reverse("insights:task", args=[progress.pk]))
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            what = form.cleaned_data["what"]
            kind = TaskKind.IMPORT_AREAS if what == "import_areas" else TaskKind.IMPORT_CENSUS
            progress = import_start(
                kind=kind,
                user=request.user,
                content=form.cleaned_data["file"].read(),
                file_format="tidy" if what == "census_tidy" else "vancouver",
            )
            return HttpResponseRedirect(reverse("insights:task", args=[progress.pk]))
    context = {"runs": selectors.task_progress_list(), "can_run": can_run, "form": form}
    return render(request, "insights/tasks.html", context, status=400 if form.errors else 200)


@insights_view
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    progress = selectors.task_progress_get(pk=pk)
    if progress is None:
        raise Http404
    context = {"progress": progress}
    if getattr(request, "htmx", False):
        return render(request, "insights/_progress.html", context)
    return render(request, "insights/task.html", context)
