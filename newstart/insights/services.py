"""Writes for insights: keyword-only ``<entity>_<action>`` functions, each atomic."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from newstart.directory.models import LocalArea
from newstart.insights.gaps import GapParameters, gap_analysis
from newstart.insights.importers import AreaBoundary, ImportProblem, IndicatorRow, area_slug
from newstart.insights.models import AreaIndicator, GapResult, TaskProgress
from newstart.insights.selectors import home_language_totals, settlement_category_list

T = TypeVar("T")
# How many home languages (besides English and French) the full recomputation covers.
MAIN_LANGUAGE_COUNT = 8
# Wraps an iterable to show progress (tqdm in the commands); the identity by default.
Progress = Callable[[Sequence[T]], Iterable[T]]


def _no_progress(items: Sequence[T]) -> Iterable[T]:
    return items


@dataclass(frozen=True)
class ImportCounts:
    created: int
    updated: int


@transaction.atomic
def local_area_import_boundaries(
    *, boundaries: Sequence[AreaBoundary], progress: Progress[AreaBoundary] = _no_progress
) -> ImportCounts:
    """Set each area's boundary and centroid, matching areas by slug (so "Arbutus-Ridge" and
    "Arbutus Ridge" are one area) and creating the ones that do not exist yet."""
    existing = {area.slug: area for area in LocalArea.objects.select_for_update()}
    created = updated = 0
    for item in progress(boundaries):
        area = existing.get(item.slug)
        if area is None:
            area = LocalArea(slug=item.slug, name=item.name)
            created += 1
        else:
            updated += 1
        area.boundary = item.boundary
        area.centroid_latitude = round(item.centroid_latitude, 6)
        area.centroid_longitude = round(item.centroid_longitude, 6)
        area.save()
    return ImportCounts(created=created, updated=updated)


def _areas_by_key() -> dict[str, LocalArea]:
    areas: dict[str, LocalArea] = {}
    for area in LocalArea.objects.all():
        areas[area.slug] = area
        areas.setdefault(area_slug(area.name), area)
    return areas


@transaction.atomic
def area_indicator_import(
    *, rows: Sequence[IndicatorRow], progress: Progress[IndicatorRow] = _no_progress
) -> ImportCounts:
    """Store the indicator rows, replacing the value and source of facts already stored (same
    area, indicator, language and year). Areas are matched by slug or name and must exist: an
    unknown area fails the whole import, listing the names, and nothing is written."""
    areas = _areas_by_key()
    unknown = sorted({row.area for row in rows if area_slug(row.area) not in areas})
    if unknown:
        raise ImportProblem(
            _("These areas are not local areas of the directory (import the boundaries first: import_areas)"),
            unknown,
        )
    stored = {
        (fact.area_id, fact.indicator, fact.language, fact.year): fact
        for fact in AreaIndicator.objects.select_for_update().filter(area__in={a.pk for a in areas.values()})
    }
    to_create: list[AreaIndicator] = []
    to_update: list[AreaIndicator] = []
    for row in progress(rows):
        area = areas[area_slug(row.area)]
        fact = stored.get((area.pk, row.indicator, row.language, row.year))
        if fact is None:
            to_create.append(
                AreaIndicator(
                    area=area,
                    indicator=row.indicator,
                    language=row.language,
                    value=row.value,
                    year=row.year,
                    source=row.source,
                )
            )
        elif fact.value != row.value or fact.source != row.source:
            fact.value, fact.source = row.value, row.source
            to_update.append(fact)
    AreaIndicator.objects.bulk_create(to_create, batch_size=500)
    AreaIndicator.objects.bulk_update(to_update, ["value", "source"], batch_size=500)
    return ImportCounts(created=len(to_create), updated=len(to_update))


# --- Background work: progress and precomputed gap analyses -----------------------------------------


def task_progress_create(*, kind: str, user: Any = None, total: int = 0) -> TaskProgress:
    return TaskProgress.objects.create(
        kind=kind, total=total, started_by=user if user is not None and user.is_authenticated else None
    )


def task_progress_update(
    *,
    progress: TaskProgress,
    done: int | None = None,
    total: int | None = None,
    status: str | None = None,
    message: str | None = None,
) -> TaskProgress:
    """Record how far a task has got (outside any transaction, so other requests see it at once)."""
    fields = ["updated_at"]
    for name, value in (("done", done), ("total", total), ("status", status), ("message", message)):
        if value is not None:
            setattr(progress, name, value)
            fields.append(name)
    progress.save(update_fields=fields)
    return progress


def main_languages(*, count: int = MAIN_LANGUAGE_COUNT) -> list[str]:
    """The most spoken home languages other than English and French (the official languages): the
    ones the recomputation covers, with "" (recent immigrants of any language) first."""
    codes = [total.code for total in home_language_totals() if total.code not in ("en", "fr")]
    return ["", *codes[:count]]


def gap_results_recompute(*, progress: Progress[tuple[str, str]] = _no_progress) -> int:
    """Recompute and store the default gap analysis for every settlement category and the
    main languages. Each result is saved on its own, so a long run shows its progress and keeps what is
    done if it stops. Returns how many results were stored."""
    combinations = [
        (category.code, language) for category in settlement_category_list() for language in main_languages()
    ]
    stored = 0
    for category, language in progress(combinations):
        parameters = GapParameters(category=category, language=language)
        analysis = gap_analysis(parameters=parameters)
        GapResult.objects.update_or_create(
            category=category,
            language=language,
            method=parameters.method,
            catchment_km=parameters.catchment_km,
            defaults={"rows": analysis.as_rows()},
        )
        stored += 1
    return stored
