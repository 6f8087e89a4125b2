"""Keep the search index in step with every write, inside the writing transaction.

Reindexing one service costs a fixed handful of queries, so it is done synchronously in the
signal: a search never sees a service whose text and index disagree, on either database. Bulk
writers (bulk_create sends no signals) reindex themselves (the demo loader; see
newstart.search.services) or say what they wrote: the HSDS importer's `hsds_imported`, heard here.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping, Set
from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from newstart.directory.hsds.importer import hsds_import, hsds_imported
from newstart.directory.models import (
    Attribute,
    CostOption,
    Language,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from newstart.search.models import Concept, ConceptLabel
from newstart.search.services import (
    MAPS_TO,
    OrganizationTranslation,
    ServiceTranslation,
    TaxonomyTermTranslation,
    _services_for_concepts,
    _taxonomy_load,
    search_concepts_changed,
    search_index_services,
    search_rebuild_index,
    search_signals_active,
    search_thesaurus_changed,
    search_unindex_services,
)

# An import that touches more than this share of the directory's services rebuilds the whole index
# (one pass, vocabulary counted once) instead of reindexing service by service.
IMPORT_REBUILD_SHARE = 0.5

# Services being deleted right now: their translations' deletion must not reindex them.
_deleting = threading.local()


def _being_deleted() -> set[uuid.UUID]:
    if not hasattr(_deleting, "ids"):
        _deleting.ids = set()
    ids: set[uuid.UUID] = _deleting.ids
    return ids


def _reindex(service_ids: set[uuid.UUID]) -> None:
    service_ids -= _being_deleted()
    if service_ids:
        search_index_services(service_ids=service_ids)


@receiver(post_save, sender=Service, dispatch_uid="search_service_saved")
def _service_saved(sender: type[Service], instance: Service, raw: bool = False, **kwargs: Any) -> None:
    if not raw and search_signals_active():
        _reindex({instance.pk})


@receiver(pre_delete, sender=Service, dispatch_uid="search_service_deleting")
def _service_deleting(sender: type[Service], instance: Service, **kwargs: Any) -> None:
    _being_deleted().add(instance.pk)
    search_unindex_services(service_ids=[instance.pk])


@receiver(post_delete, sender=Service, dispatch_uid="search_service_deleted")
def _service_deleted(sender: type[Service], instance: Service, **kwargs: Any) -> None:
    _being_deleted().discard(instance.pk)


@receiver(post_save, sender=ServiceTranslation, dispatch_uid="search_service_translation_saved")
@receiver(post_delete, sender=ServiceTranslation, dispatch_uid="search_service_translation_deleted")
def _service_translation_changed(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw and search_signals_active() and instance.master_id is not None:
        _reindex({instance.master_id})


def _services_of_terms(term_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Services classified under these terms, terms below them, or terms mapped onto them."""
    taxonomy = _taxonomy_load()
    below = {term_id for term_id in taxonomy.code if term_ids.intersection(taxonomy.lineage(term_id))}
    below |= set(
        Attribute.objects.filter(
            link_entity="taxonomy_term", link_type=MAPS_TO, taxonomy_term_id__in=below
        ).values_list("link_id", flat=True)
    )
    return set(
        Attribute.objects.filter(link_entity="service", taxonomy_term_id__in=below).values_list("link_id", flat=True)
    )


@receiver(post_save, sender=Attribute, dispatch_uid="search_attribute_saved")
@receiver(post_delete, sender=Attribute, dispatch_uid="search_attribute_deleted")
def _attribute_changed(sender: type[Attribute], instance: Attribute, raw: bool = False, **kwargs: Any) -> None:
    if raw or not search_signals_active():
        return
    if instance.link_entity == Service.hsds_type:
        _reindex({instance.link_id})
    elif instance.link_entity == TaxonomyTerm.hsds_type and instance.link_type == MAPS_TO:
        _reindex(_services_of_terms({instance.link_id}))


@receiver(post_save, sender=Language, dispatch_uid="search_language_saved")
@receiver(post_delete, sender=Language, dispatch_uid="search_language_deleted")
@receiver(post_save, sender=CostOption, dispatch_uid="search_cost_option_saved")
@receiver(post_delete, sender=CostOption, dispatch_uid="search_cost_option_deleted")
@receiver(post_save, sender=ServiceAtLocation, dispatch_uid="search_service_at_location_saved")
@receiver(post_delete, sender=ServiceAtLocation, dispatch_uid="search_service_at_location_deleted")
@receiver(post_save, sender=Schedule, dispatch_uid="search_schedule_saved")
@receiver(post_delete, sender=Schedule, dispatch_uid="search_schedule_deleted")
def _facet_row_changed(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Languages, costs, offices and opening hours are facets of their service (newstart.search.facets)."""
    if raw or not search_signals_active():
        return
    service_ids = {getattr(instance, "service_id", None)}
    sal_id = getattr(instance, "service_at_location_id", None)
    if sal_id is not None:
        service_ids |= set(ServiceAtLocation.objects.filter(id=sal_id).values_list("service_id", flat=True))
    _reindex({service_id for service_id in service_ids if service_id is not None})


@receiver(post_save, sender=Location, dispatch_uid="search_location_saved")
def _location_saved(sender: type[Location], instance: Location, raw: bool = False, **kwargs: Any) -> None:
    """A location's area and coordinates are facets of the services there."""
    if not raw and search_signals_active():
        _reindex(set(ServiceAtLocation.objects.filter(location_id=instance.pk).values_list("service_id", flat=True)))


@receiver(post_save, sender=OrganizationTranslation, dispatch_uid="search_organization_translation_saved")
@receiver(post_delete, sender=OrganizationTranslation, dispatch_uid="search_organization_translation_deleted")
def _organization_translation_changed(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw and search_signals_active() and instance.master_id is not None:
        _reindex(set(Service.objects.filter(organization_id=instance.master_id).values_list("id", flat=True)))


@receiver(post_save, sender=TaxonomyTerm, dispatch_uid="search_term_saved")
def _term_saved(sender: type[TaxonomyTerm], instance: TaxonomyTerm, raw: bool = False, **kwargs: Any) -> None:
    if not raw and search_signals_active():
        _reindex(_services_of_terms({instance.pk}))


@receiver(post_save, sender=TaxonomyTermTranslation, dispatch_uid="search_term_translation_saved")
@receiver(post_delete, sender=TaxonomyTermTranslation, dispatch_uid="search_term_translation_deleted")
def _term_translation_changed(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw and search_signals_active() and instance.master_id is not None:
        _reindex(_services_of_terms({instance.master_id}))


@receiver(post_save, sender=Concept, dispatch_uid="search_concept_saved")
@receiver(post_save, sender=ConceptLabel, dispatch_uid="search_label_saved")
def _thesaurus_saved(sender: type, instance: Concept | ConceptLabel, raw: bool = False, **kwargs: Any) -> None:
    if raw or not search_signals_active():
        return
    concept_id = instance.pk if isinstance(instance, Concept) else instance.concept_id
    search_concepts_changed(concept_ids=[concept_id])


@receiver(pre_delete, sender=Concept, dispatch_uid="search_concept_deleting")
@receiver(pre_delete, sender=ConceptLabel, dispatch_uid="search_label_deleting")
def _thesaurus_deleting(sender: type, instance: Concept | ConceptLabel, **kwargs: Any) -> None:
    if search_signals_active():
        concept_id = instance.pk if isinstance(instance, Concept) else instance.concept_id
        instance._search_affected = _services_for_concepts([concept_id])  # type: ignore[union-attr]


@receiver(post_delete, sender=Concept, dispatch_uid="search_concept_deleted")
@receiver(post_delete, sender=ConceptLabel, dispatch_uid="search_label_deleted")
def _thesaurus_deleted(sender: type, instance: Concept | ConceptLabel, **kwargs: Any) -> None:
    affected: set[uuid.UUID] = getattr(instance, "_search_affected", set())
    if not search_signals_active():
        return
    if isinstance(instance, ConceptLabel) and Concept.objects.filter(pk=instance.concept_id).exists():
        search_concepts_changed(concept_ids=[instance.concept_id], extra_service_ids=affected)
    else:
        _reindex(set(affected))
        # Its narrower concepts lost their broader one (SET NULL, no signal): the thesaurus changed.
        search_thesaurus_changed()


def _imported_service_ids(changed: Mapping[str, Set[uuid.UUID]]) -> set[uuid.UUID]:
    """The services an import may have changed what they are found by: the services it wrote (their
    translations included), those of organizations it wrote, those classified by attributes it wrote,
    and those under taxonomy terms it wrote (renamed terms, new `maps_to` mappings)."""
    service_ids = set(changed.get(Service.hsds_type, ()))
    organization_ids = changed.get(Organization.hsds_type, set())
    if organization_ids:
        service_ids |= set(
            Service.objects.filter(organization_id__in=list(organization_ids)).values_list("id", flat=True)
        )
    # Rows that are facets of their service (languages, costs, offices, opening hours, locations).
    for model, link in (
        (Language, "service_id"),
        (CostOption, "service_id"),
        (Schedule, "service_id"),
        (ServiceAtLocation, "service_id"),
    ):
        ids = changed.get(model.hsds_type, set())
        if ids:
            service_ids |= set(model.objects.filter(id__in=list(ids)).values_list(link, flat=True)) - {None}
    schedule_ids = changed.get(Schedule.hsds_type, set())
    if schedule_ids:
        service_ids |= set(
            ServiceAtLocation.objects.filter(schedules__id__in=list(schedule_ids)).values_list("service_id", flat=True)
        )
    location_ids = changed.get(Location.hsds_type, set())
    if location_ids:
        service_ids |= set(
            ServiceAtLocation.objects.filter(location_id__in=list(location_ids)).values_list("service_id", flat=True)
        )
    term_ids = set(changed.get(TaxonomyTerm.hsds_type, ()))
    attribute_ids = changed.get(Attribute.hsds_type, set())
    if attribute_ids:
        for link_entity, link_id, link_type in Attribute.objects.filter(id__in=list(attribute_ids)).values_list(
            "link_entity", "link_id", "link_type"
        ):
            if link_entity == Service.hsds_type:
                service_ids.add(link_id)
            elif link_entity == TaxonomyTerm.hsds_type and link_type == MAPS_TO:
                term_ids.add(link_id)
    if term_ids:
        service_ids |= _services_of_terms(term_ids)
    return service_ids


@receiver(hsds_imported, sender=hsds_import, dispatch_uid="search_hsds_imported")
def _hsds_imported(sender: Any, changed: Mapping[str, Set[uuid.UUID]], **kwargs: Any) -> None:
    """After an import has committed: reindex what it touched, or rebuild when it touched most of it."""
    service_ids = _imported_service_ids(changed)
    if not service_ids:
        return
    if len(service_ids) > IMPORT_REBUILD_SHARE * Service.objects.count():
        search_rebuild_index()
    else:
        search_index_services(service_ids=service_ids)
