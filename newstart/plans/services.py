"""Writes for My plan: create and delete a plan, purge expired plans, load the default steps."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from newstart.common.languages import INTERFACE_LANGUAGE_CODES
from newstart.directory.taxonomies import settlement_taxonomy_data
from newstart.eligibility.models import ImmigrationStatus
from newstart.plans.models import Plan, PlanStep
from newstart.plans.tokens import token_hash, token_new

PLAN_STEPS_PATH = Path(__file__).resolve().parent / "data" / "plan_steps.json"

_CONDITION_FIELDS = (
    "order",
    "statuses",
    "need_categories",
    "child_age_min",
    "child_age_max",
    "arrived_within_days",
    "before_arrival",
    "taxonomy_codes",
)


@dataclass(frozen=True, kw_only=True)
class PlanInput:
    """What the person typed into the needs check (already validated by the form)."""

    arrival_date: dt.date
    status: str
    landing_date: dt.date | None = None
    immigration_class: str = ""
    household_ages: tuple[int, ...] = ()
    languages: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    postal_code: str = ""


def plan_create(*, data: PlanInput, now: dt.datetime | None = None) -> tuple[Plan, str]:
    """Store a plan; returns it with its token, which is not stored and cannot be recovered."""
    now = now or timezone.now()
    token = token_new()
    is_pr = data.status == ImmigrationStatus.PERMANENT_RESIDENT
    plan = Plan.objects.create(
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.PLANS_EXPIRY_DAYS),
        arrival_date=data.arrival_date,
        status=data.status,
        landing_date=data.landing_date if is_pr else None,
        immigration_class=data.immigration_class if is_pr else "",
        household_ages=list(data.household_ages),
        languages=list(data.languages),
        needs=list(data.needs),
        postal_code=data.postal_code,
    )
    return plan, token


def plan_delete(*, plan: Plan) -> None:
    """Delete the plan and everything in it (a plan has no other rows)."""
    plan.delete()


def plan_purge_expired(*, now: dt.datetime | None = None) -> int:
    """Delete every expired plan; returns how many."""
    deleted, _per_model = Plan.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


# --- The default steps ------------------------------------------------------------------------------


class PlanStepsDataError(Exception):
    def __init__(self, message: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n  ".join([message, *problems]))


@dataclass
class PlanStepsLoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _check_step(raw: Any, index: int, known_codes: set[str], top_codes: set[str], problems: list[str]) -> None:
    where = (
        _("step %(slug)s") % {"slug": raw.get("slug")}
        if isinstance(raw, dict)
        else _("step #%(index)s") % {"index": index}
    )
    if not isinstance(raw, dict) or not isinstance(raw.get("slug"), str) or not raw["slug"]:
        problems.append(_("%(where)s needs a slug") % {"where": where})
        return
    for name in ("statuses", "need_categories", "taxonomy_codes"):
        if not isinstance(raw.get(name, []), list):
            problems.append(_("%(where)s: %(field)s must be a list") % {"where": where, "field": name})
            return
    for code in raw.get("statuses", []):
        if code not in ImmigrationStatus.values:
            problems.append(_("%(where)s: unknown status %(code)s") % {"where": where, "code": code})
    for code in raw.get("need_categories", []):
        if code not in top_codes:
            problems.append(_("%(where)s: unknown top-level category %(code)s") % {"where": where, "code": code})
    for code in raw.get("taxonomy_codes", []):
        if code not in known_codes:
            problems.append(_("%(where)s: unknown taxonomy code %(code)s") % {"where": where, "code": code})
    title = raw.get("title")
    if not isinstance(title, dict) or not title.get("en"):
        problems.append(_("%(where)s needs an English title") % {"where": where})
    for name in ("title", "body"):
        for language in raw.get(name) or {}:
            if language not in INTERFACE_LANGUAGE_CODES:
                problems.append(
                    _("%(where)s: %(field)s in unknown language %(language)s")
                    % {"where": where, "field": name, "language": language}
                )


def plan_steps_data(*, path: Path | None = None) -> list[dict[str, Any]]:
    """The default steps file, checked against the settlement taxonomy; raises PlanStepsDataError."""
    path = path or PLAN_STEPS_PATH
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PlanStepsDataError(_("Cannot read %(path)s") % {"path": path}, [str(exc)]) from exc
    taxonomy = settlement_taxonomy_data()
    known_codes = {term.code for term in taxonomy.terms}
    top_codes = {term.code for term in taxonomy.terms if not term.parent}
    raw_steps = document.get("steps") if isinstance(document, dict) else None
    problems: list[str] = []
    if not isinstance(raw_steps, list):
        raise PlanStepsDataError(_('%(path)s has no "steps" list') % {"path": path}, [])
    slugs: set[str] = set()
    for index, raw in enumerate(raw_steps, start=1):
        _check_step(raw, index, known_codes, top_codes, problems)
        if isinstance(raw, dict) and raw.get("slug") in slugs:
            problems.append(_("step %(slug)s appears twice") % {"slug": raw["slug"]})
        if isinstance(raw, dict) and isinstance(raw.get("slug"), str):
            slugs.add(raw["slug"])
    if problems:
        raise PlanStepsDataError(_("The plan steps file has problems; nothing was loaded:"), problems)
    return raw_steps


@transaction.atomic
def plan_steps_load(*, path: Path | None = None, reset: bool = False) -> PlanStepsLoadResult:
    """Create the default steps that are missing. Idempotent, and it never overwrites the secretariat's
    edits: an existing step only gains translations it lacks, unless `reset` restores the defaults."""
    result = PlanStepsLoadResult()
    for raw in plan_steps_data(path=path):
        slug = raw["slug"]
        conditions = {name: raw.get(name, PlanStep._meta.get_field(name).get_default()) for name in _CONDITION_FIELDS}
        step = PlanStep.objects.filter(slug=slug).prefetch_related("translations").first()
        created = step is None
        if step is None:
            step = PlanStep(slug=slug, **conditions)
        changed = created
        if reset and not created:
            for name, value in conditions.items():
                if getattr(step, name) != value:
                    setattr(step, name, value)
                    changed = True
        existing = {t.language_code: t for t in step.translations.all()} if not created else {}  # type: ignore[attr-defined]
        bodies = raw.get("body") or {}
        for language, title in sorted((raw.get("title") or {}).items()):
            body = bodies.get(language)
            have = existing.get(language)
            if have is not None and (not reset or (have.title == title and (body is None or have.body == body))):
                continue
            step.set_current_language(language)
            step.title = title
            if body is not None:
                step.body = body
            changed = True
        if changed:
            step.save()
            (result.created if created else result.updated).append(slug)
        else:
            result.unchanged.append(slug)
    return result
