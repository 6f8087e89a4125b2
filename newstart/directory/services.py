"""Writes to the directory: keyword-only ``<entity>_<action>`` functions, each atomic."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_update_with_history

from newstart.directory.models import Attribute, Service, TaxonomyTerm
from newstart.search.services import search_index_services

# The change reason recorded in each service's history when the secretariat verifies it.
VERIFIED_CHANGE_REASON = "Marked as verified"


@dataclass(frozen=True)
class TaxonomyTermChanges:
    added: int
    removed: int


def _user_email(user: AbstractBaseUser) -> str:
    return str(getattr(user, user.get_email_field_name(), "") or "")


@transaction.atomic
def service_mark_verified(*, services: QuerySet[Service] | Iterable[Service], user: AbstractBaseUser) -> int:
    """Record that ``user`` confirmed these listings today; returns how many services were marked.

    Sets assured_date to today (the directory's time zone), assurer_email to the user's email and
    last_modified to now, with one history row per service naming the user.
    """
    if isinstance(services, QuerySet):
        ids = list(services.values_list("pk", flat=True))
    else:
        ids = [service.pk for service in services]
    # Always the concrete model: a proxy's saves would not reach Service's change history.
    rows = list(Service.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    today = timezone.localdate()
    now = timezone.now()
    email = _user_email(user)
    for service in rows:
        service.assured_date = today
        service.assurer_email = email
        service.last_modified = now
    bulk_update_with_history(
        rows,
        Service,
        ["assured_date", "assurer_email", "last_modified"],
        batch_size=500,
        default_user=user,
        default_change_reason=VERIFIED_CHANGE_REASON,
        default_date=now,
    )
    # A bulk update sends no post_save: the search index ranks by the assured date, so tell it.
    search_index_services(service_ids=[service.pk for service in rows])
    return len(rows)


@transaction.atomic
def service_set_taxonomy_terms(*, service: Service, terms: Iterable[TaxonomyTerm]) -> TaxonomyTermChanges:
    """Make ``terms`` exactly the service's categories (its HSDS attribute rows).

    Attributes for terms that stay are kept as they are (with any value or label they carry);
    attributes for other terms are deleted, missing ones created. Both are recorded in the
    attributes' change history.
    """
    if service.pk is None or service._state.adding:
        raise ValueError(gettext("Save the service before setting its categories."))
    wanted = {term.pk: term for term in terms}
    existing = Attribute.objects.select_for_update().filter(link_entity=Service.hsds_type, link_id=service.pk)
    kept: set[object] = set()
    removed = 0
    for attribute in existing:
        if attribute.taxonomy_term_id in wanted:
            kept.add(attribute.taxonomy_term_id)
        else:
            # One by one, so that each deletion is in the history.
            attribute.delete()
            removed += 1
    added = 0
    for term_id, term in wanted.items():
        if term_id not in kept:
            Attribute.objects.create(link_entity=Service.hsds_type, link_id=service.pk, taxonomy_term=term)
            added += 1
    return TaxonomyTermChanges(added=added, removed=removed)
