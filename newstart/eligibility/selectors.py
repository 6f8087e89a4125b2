"""Reads: eligibility verdicts for a page of services, and the eligibility filter."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from django.db.models import Q, QuerySet

from newstart.directory.models import Service
from newstart.eligibility.assessment import (
    Assessment,
    EligibilityRules,
    PersonSituation,
    eligibility_assess,
)
from newstart.eligibility.models import FunderRule, ServiceEligibility


def _note(service: Service, language: str) -> tuple[str, str]:
    """The service's free-text eligibility in `language`, else its source language, else English
    (from prefetched translations when the caller prefetched them)."""
    texts = {t.language_code: t.eligibility_description for t in service.translations.all()}  # type: ignore[attr-defined]
    for candidate in (language, service.source_language, "en"):
        text = (texts.get(candidate) or "").strip()
        if text:
            return text, candidate
    return "", ""


def eligibility_rules_from(
    *, service: Service, record: ServiceEligibility | None, language: str, with_note: bool = True
) -> EligibilityRules:
    """A service's rules as plain values for ``eligibility_assess``."""
    note, note_language = _note(service, language) if with_note else ("", "")
    if record is None:
        return EligibilityRules(
            declared=False,
            minimum_age=service.minimum_age,
            maximum_age=service.maximum_age,
            note=note,
            note_language=note_language,
        )
    return EligibilityRules(
        declared=True,
        statuses=tuple(record.statuses or ()),
        funder_rule=record.funder_rule,
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        note=note,
        note_language=note_language,
    )


def eligibility_verdicts_for(
    *, services: Sequence[Service], person: PersonSituation, on: dt.date, language: str
) -> dict[uuid.UUID, Assessment]:
    """Each service's assessment, by service id, in one query (plus the services' translations,
    unless the caller prefetched them, as the navigator's result pages do)."""
    ids = [service.pk for service in services]
    records = {record.service_id: record for record in ServiceEligibility.objects.filter(service_id__in=ids)}
    return {
        service.pk: eligibility_assess(
            service_eligibility=eligibility_rules_from(
                service=service, record=records.get(service.pk), language=language
            ),
            person=person,
            on=on,
        )
        for service in services
    }


def eligibility_excluded_ids(*, qs: QuerySet[Service], person: PersonSituation, on: dt.date) -> set[uuid.UUID]:
    """Services in `qs` whose declared rules (statuses, funder, ages) rule `person` out on `on`."""
    rows = (
        qs.order_by()
        .filter(Q(structured_eligibility__isnull=False) | Q(minimum_age__isnull=False) | Q(maximum_age__isnull=False))
        .values_list(
            "id",
            "minimum_age",
            "maximum_age",
            "structured_eligibility__id",
            "structured_eligibility__statuses",
            "structured_eligibility__funder_rule",
        )
    )
    excluded: set[uuid.UUID] = set()
    for service_id, minimum_age, maximum_age, record_id, statuses, funder_rule in rows:
        rules = EligibilityRules(
            declared=record_id is not None,
            statuses=tuple(statuses or ()),
            funder_rule=funder_rule or FunderRule.NONE,
            minimum_age=minimum_age,
            maximum_age=maximum_age,
        )
        if eligibility_assess(service_eligibility=rules, person=person, on=on).excluded:
            excluded.add(service_id)
    return excluded


def eligibility_filter(qs: QuerySet[Service], *, person: PersonSituation, on: dt.date) -> QuerySet[Service]:
    """`qs` without the services whose declared rules rule `person` out; services that declare nothing
    stay (their verdict is "check eligibility"). The same assessment as the badges decides, in one query."""
    excluded = eligibility_excluded_ids(qs=qs, person=person, on=on)
    return qs.exclude(id__in=excluded) if excluded else qs
