"""Structured eligibility for the demo directory's services, so the demo shows real verdicts.

Rules follow the services' settlement taxonomy codes, as Vancouver's funders draw the lines: IRCC's
Settlement Program funds language classes (LINC), language assessment, orientation and needs
assessment and settlement workers in schools; the Province of BC funds support for temporary
residents; refugee-claimant services are for claimants. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction

from newstart.directory.models import Attribute, Service
from newstart.eligibility.models import FunderRule, ImmigrationStatus, ServiceEligibility


@dataclass(frozen=True)
class DemoRule:
    prefixes: tuple[str, ...]  # taxonomy codes, or code prefixes ending in "-"
    funder_rule: str = FunderRule.NONE
    statuses: tuple[str, ...] = ()


# The first rule any of a service's codes matches applies.
DEMO_RULES: tuple[DemoRule, ...] = (
    DemoRule(("REFUGEE-CLAIM", "REFUGEE-HOUSING"), statuses=(ImmigrationStatus.REFUGEE_CLAIMANT,)),
    DemoRule(
        ("REFUGEE-RAP", "REFUGEE-PSR"),
        statuses=(ImmigrationStatus.PROTECTED_PERSON, ImmigrationStatus.PERMANENT_RESIDENT),
    ),
    DemoRule(("LANG-LINC", "LANG-ASSESS", "ORIENT-", "CHILD-SWIS"), funder_rule=FunderRule.IRCC),
    DemoRule(("LEGAL-PERMIT",), funder_rule=FunderRule.BC_PROVINCIAL),
    DemoRule(("CIT-",), statuses=(ImmigrationStatus.PERMANENT_RESIDENT,)),
)


def _matches(code: str, prefix: str) -> bool:
    return code.startswith(prefix) if prefix.endswith("-") else code == prefix


def demo_rule_for(codes: set[str]) -> DemoRule | None:
    """The rule for a service with these taxonomy codes, or None."""
    for rule in DEMO_RULES:
        if any(_matches(code, prefix) for code in codes for prefix in rule.prefixes):
            return rule
    return None


def eligibility_demo_load() -> int:
    """Declare the demo services' eligibility; returns how many declarations were created or changed."""
    demo_ids = set(Service.objects.filter(is_demo=True).values_list("id", flat=True))
    codes: dict[uuid.UUID, set[str]] = {}
    for link_id, code in Attribute.objects.filter(link_entity="service", link_id__in=demo_ids).values_list(
        "link_id", "taxonomy_term__code"
    ):
        codes.setdefault(link_id, set()).add(code or "")
    existing = {record.service_id: record for record in ServiceEligibility.objects.filter(service_id__in=demo_ids)}
    changed = 0
    with transaction.atomic():
        for service_id, service_codes in sorted(codes.items()):
            rule = demo_rule_for(service_codes)
            if rule is None:
                continue
            statuses = [str(status) for status in rule.statuses]
            record = existing.get(service_id)
            if record is not None and record.statuses == statuses and record.funder_rule == rule.funder_rule:
                continue
            if record is None:
                record = ServiceEligibility(service_id=service_id)
            record.statuses = statuses
            record.funder_rule = rule.funder_rule
            record.full_clean(exclude=["service"])
            record.save()
            changed += 1
    return changed
