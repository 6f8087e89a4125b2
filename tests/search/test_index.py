"""The index stays in step with every write: services, translations, organizations, attributes,
taxonomy terms and the thesaurus; a rebuild gives the same index."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from newstart.directory.models import Attribute, Service, ServiceAtLocation
from newstart.directory.services import service_mark_verified
from newstart.search.models import ConceptLink, SearchDeletion, SearchDocument, SearchVocabulary
from newstart.search.postings import day_number, points_decode
from newstart.search.selectors import search_service_concepts
from newstart.search.services import (
    ConceptDataError,
    concept_load,
    search_document_terms,
    search_index_postings,
    search_index_services,
    search_rebuild_index,
    search_signals_paused,
)
from tests.directory.factories import (
    AttributeFactory,
    LocationFactory,
    OrganizationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)
from tests.search.factories import ConceptFactory, ConceptLabelFactory

pytestmark = pytest.mark.django_db


def terms_of(service) -> dict[str, int]:
    return search_document_terms(service_id=service.pk)


def doc_count(term: str) -> int:
    return SearchVocabulary.objects.filter(term=term).values_list("doc_count", flat=True).first() or 0


def snapshot():
    postings = sorted(search_index_postings(), key=str)
    links = search_service_concepts(service_ids=SearchDocument.objects.values_list("service_id", flat=True))
    vocabulary = sorted(SearchVocabulary.objects.filter(doc_count__gt=0).values_list("term", "doc_count"))
    values = sorted(
        (str(service_id), day, bytes(points))
        for service_id, day, points in SearchDocument.objects.values_list("service_id", "assured_day", "points")
    )
    return postings, links, vocabulary, values


def ranking_values(service) -> tuple[int | None, list[tuple[float, float]]]:
    """What re-ranking reads of a service's document: its assured day and office coordinates."""
    day, points = SearchDocument.objects.filter(service=service).values_list("assured_day", "points").get()
    return day, [tuple(pair) for pair in points_decode(points).tolist()]


def test_a_new_service_is_indexed_with_field_weights():
    service = ServiceFactory(name="Harbour food bank", description="Groceries every week.")
    terms = terms_of(service)
    assert terms["food"] == 30  # name
    assert terms["groceries"] == 10  # description
    assert terms["groceri"] == 10  # light stem: final "s", then "e", dropped
    assert doc_count("food") == 1


def test_changing_the_name_moves_the_terms_and_counts():
    service = ServiceFactory(name="Harbour food bank", description="")
    service.set_current_language("en")
    service.name = "Harbour clothing bank"
    service.save()
    terms = terms_of(service)
    assert "clothing" in terms and "food" not in terms
    assert doc_count("food") == 0 and doc_count("clothing") == 1


def test_every_translation_is_indexed_and_removing_one_unindexes_it():
    service = ServiceFactory(name="Food bank", translations={"fr": {"name": "Banque alimentaire"}})
    assert "alimentaire" in terms_of(service)
    service.set_current_language("vi")
    service.name = "Ngân hàng thực phẩm"
    service.save()
    terms = terms_of(service)
    assert {"thực", "thuc", "phẩm", "pham"} <= terms.keys()
    service.delete_translation("fr")
    assert "alimentaire" not in terms_of(service)


def test_organization_name_is_indexed_in_every_language():
    organization = OrganizationFactory(name="Harbour Society", translations={"zh-hans": {"name": "港湾协会"}})
    service = ServiceFactory(organization=organization, name="Food bank")
    assert {"harbour", "港湾", "协会"} <= terms_of(service).keys()
    organization.set_current_language("en")
    organization.name = "Seaside Society"
    organization.save()
    terms = terms_of(service)
    assert "seaside" in terms and "harbour" not in terms


def test_attributes_bring_taxonomy_names_and_concepts_and_take_them_away():
    parent = TaxonomyTermFactory(code="HOUS", name="Housing", translations={"fr": {"name": "Logement"}})
    child = TaxonomyTermFactory(
        code="HOUS-RENT", name="Rent help", parent=parent, taxonomy_detail=parent.taxonomy_detail
    )
    housing = ConceptFactory(key="housing", taxonomy_codes="HOUS")
    rent = ConceptFactory(key="rent_help", taxonomy_codes="HOUS-RENT")
    service = ServiceFactory(name="Front desk")
    attribute = AttributeFactory(linked=service, taxonomy_term=child)
    terms = terms_of(service)
    assert {"rent", "@rent_help", "@housing"} <= terms.keys()
    links = search_service_concepts(service_ids=[service.pk])[service.pk]
    assert links == {rent.key: ConceptLink.TAXONOMY, housing.key: ConceptLink.BROADER_TAXONOMY}
    attribute.delete()
    assert not ({"rent", "@rent_help", "@housing"} & terms_of(service).keys())
    assert search_service_concepts(service_ids=[service.pk]) == {service.pk: {}}


def test_renaming_a_taxonomy_term_reindexes_its_services():
    term = TaxonomyTermFactory(code="FOOD", name="Food")
    service = ServiceFactory(name="Front desk")
    AttributeFactory(linked=service, taxonomy_term=term)
    term.set_current_language("en")
    term.name = "Groceries"
    term.save()
    assert "groceries" in terms_of(service)


def test_a_label_found_in_the_text_links_the_concept():
    concept = ConceptFactory(key="job_search")
    service = ServiceFactory(name="Job search club", description="Weekly meetings.")
    assert "@job_search" not in terms_of(service)
    ConceptLabelFactory(concept=concept, language="en", text="job search")
    assert terms_of(service)["@job_search"] == 10
    assert search_service_concepts(service_ids=[service.pk])[service.pk] == {"job_search": ConceptLink.TEXT}


def test_eligibility_text_does_not_link_concepts():
    concept = ConceptFactory(key="refugee")
    ConceptLabelFactory(concept=concept, text="refugee claimants")
    service = ServiceFactory(name="LINC", eligibility_description="Not open to refugee claimants.")
    assert "@refugee" not in terms_of(service)


def test_deleting_a_concept_removes_its_links():
    term = TaxonomyTermFactory(code="FOOD", name="Food")
    concept = ConceptFactory(key="food", taxonomy_codes="FOOD")
    service = ServiceFactory(name="Front desk")
    AttributeFactory(linked=service, taxonomy_term=term)
    assert "@food" in terms_of(service)
    concept.delete()
    assert "@food" not in terms_of(service)


def test_deleting_a_service_empties_its_postings_and_counts():
    service = ServiceFactory(name="Harbour food bank")
    service.delete()
    assert not search_index_postings()
    assert not SearchDocument.objects.exists()
    assert doc_count("food") == 0


def test_incremental_index_equals_a_rebuild():
    term = TaxonomyTermFactory(code="LANG", name="Language classes", translations={"ko": {"name": "언어 수업"}})
    concept = ConceptFactory(key="language", taxonomy_codes="LANG")
    ConceptLabelFactory(concept=concept, text="english class")
    organization = OrganizationFactory(name="Harbour Society")
    for n, name in enumerate(("English class for adults", "Lớp tiếng Anh", "英语课程", "Conversation circle")):
        service = ServiceFactory(
            organization=organization, name=name, assured_date=dt.date(2025, 1, 1) + dt.timedelta(days=n) if n else None
        )
        AttributeFactory(linked=service, taxonomy_term=term)
        if n % 2:
            ServiceAtLocationFactory(service=service, location=LocationFactory(latitude=49 + n, longitude=-123))
    gone = ServiceFactory(name="Temporary listing")
    gone.delete()
    incremental = snapshot()
    result = search_rebuild_index()
    assert result.services == 4
    assert snapshot() == incremental


def test_documents_keep_what_reranking_reads_in_step(admin_user):
    service = ServiceFactory(name="Harbour food bank", assured_date=None)
    assert ranking_values(service) == (None, [])
    service.assured_date = dt.date(1970, 1, 11)
    service.save()
    assert ranking_values(service)[0] == 10
    # Marking verified is a bulk update (no post_save): the index is told all the same.
    service_mark_verified(services=[service], user=admin_user)
    assert ranking_values(service)[0] == day_number(timezone.localdate())
    office = LocationFactory(latitude=49.25, longitude=-123.1)
    ServiceAtLocationFactory(service=service, location=office)
    ServiceAtLocationFactory(service=service, location=LocationFactory(latitude=None, longitude=None))
    assert ranking_values(service)[1] == [(49.25, -123.1)]
    office.latitude, office.longitude = 43.65, -79.38
    office.save()
    assert ranking_values(service)[1] == [(43.65, -79.38)]
    ServiceAtLocation.objects.filter(service=service).delete()
    assert ranking_values(service)[1] == []


def test_bulk_writes_reindex_once():
    with search_signals_paused():
        service = ServiceFactory(name="Harbour food bank")
    assert not SearchDocument.objects.filter(service=service).exists()
    search_index_services(service_ids=[service.pk])
    assert "food" in terms_of(service)


def test_typo_keys_are_kept_for_new_vocabulary():
    ServiceFactory(name="Housing registry")
    assert SearchDeletion.objects.filter(term="housing", key="hosing").exists()


def test_concept_load_is_idempotent_and_reports_bad_files(tmp_path):
    first = concept_load()
    assert first.created > 10 and first.labels_created > 100
    assert not concept_load().changed
    bad = tmp_path / "concepts.json"
    bad.write_text('{"concepts": [{"key": "a", "labels": {"en": ["x"]}, "broader": "missing"}]}')
    with pytest.raises(ConceptDataError, match="missing"):
        concept_load(path=bad)


def test_concept_load_updates_links_of_existing_services(tmp_path):
    term = TaxonomyTermFactory(code="FOOD", name="Food")
    service = ServiceFactory(name="Front desk")
    AttributeFactory(linked=service, taxonomy_term=term)
    path = tmp_path / "concepts.json"
    path.write_text('[{"key": "food", "taxonomy": ["FOOD"], "broader": null, "labels": {"en": ["groceries"]}}]')
    result = concept_load(path=path)
    assert result.created == 1 and result.labels_created == 1
    assert "@food" in terms_of(service)


def test_commands(capsys):
    ServiceFactory(name="Food bank")
    call_command("load_concepts")
    call_command("rebuild_search_index")
    out = capsys.readouterr().out
    assert "Concepts created" in out and "Indexed 1 services" in out


def test_attribute_of_another_entity_does_not_touch_the_index():
    organization = OrganizationFactory()
    service = ServiceFactory(name="Food bank", organization=organization)
    before = terms_of(service)
    AttributeFactory(linked=organization)
    assert terms_of(service) == before
    assert Attribute.objects.count() == 1 and Service.objects.count() == 1


def test_the_secretariat_edits_concepts_in_the_admin(admin_client):
    term = TaxonomyTermFactory(code="FOOD", name="Food")
    service = ServiceFactory(name="Front desk", description="")
    AttributeFactory(linked=service, taxonomy_term=term)
    response = admin_client.post(
        "/admin/search/concept/add/",
        {
            "key": "food",
            "taxonomy_codes": "FOOD",
            "broader": "",
            "labels-TOTAL_FORMS": "1",
            "labels-INITIAL_FORMS": "0",
            "labels-MIN_NUM_FORMS": "0",
            "labels-MAX_NUM_FORMS": "1000",
            "labels-0-language": "zh-hans",
            "labels-0-text": "食物银行",
        },
    )
    assert response.status_code == 302, response.content
    assert "@food" in terms_of(service)
    assert admin_client.get("/admin/search/concept/").status_code == 200


def test_forward_and_inverted_lists_agree_after_edits():
    """Every document's own term list and the terms' postings lists say the same thing."""
    from newstart.search.postings import postings_decode

    services = [ServiceFactory(name=f"Food bank {n}", description="Groceries and meals.") for n in range(5)]
    services[0].set_current_language("en")
    services[0].name = "Legal clinic"
    services[0].save()
    services[1].delete()
    AttributeFactory(linked=services[2], taxonomy_term=TaxonomyTermFactory(code="FOOD", name="Food hampers"))
    names = dict(SearchVocabulary.objects.values_list("id", "term"))
    forward: set[tuple[str, object, int]] = set()
    for service_id, terms in SearchDocument.objects.values_list("service_id", "terms"):
        keys, weights = postings_decode(terms)
        pairs = zip(keys.tolist(), weights.tolist(), strict=True)
        forward.update((names[key], service_id, weight) for key, weight in pairs)
    assert forward == search_index_postings()
    assert ("legal", services[0].pk, 30) in forward
    assert not any(service_id == services[1].pk for _term, service_id, _weight in forward)
    counts = dict(SearchVocabulary.objects.exclude(term="").values_list("term", "doc_count"))
    for term in ("food", "legal", "hamper"):
        assert counts[term] == len({service for t, service, _w in forward if t == term})
    assert SearchVocabulary.objects.get(term="").doc_count == 4


def test_migrating_a_directory_without_an_index_builds_it():
    """A database from before the postings lists (or restored without its index) gets one on migrate."""
    from newstart.search.apps import _index_missing_documents

    service = ServiceFactory(name="Harbour food bank")
    SearchDocument.objects.all().delete()
    SearchVocabulary.objects.all().delete()
    _index_missing_documents()
    assert terms_of(service)["food"] == 30
    SearchVocabulary.objects.filter(term="food").update(doc_count=99)
    _index_missing_documents()  # an index is there: left alone
    assert doc_count("food") == 99


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_lose_each_others_postings():
    """Two transactions indexing services with the same words at once: both end up in the lists."""
    import threading

    from django.db import connection, transaction

    if connection.vendor == "sqlite":
        pytest.skip("needs a database server with concurrent writers (PostgreSQL); skipped")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                ServiceFactory(name=name, description="Free groceries every week.")
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(name,)) for name in ("North food bank", "South food bank")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert doc_count("food") == 2 and doc_count("groceries") == 2
    assert len({service for term, service, _w in search_index_postings() if term == "food"}) == 2


@pytest.mark.django_db(transaction=True)
def test_a_parallel_rebuild_builds_the_same_index(monkeypatch):
    """Worker processes (large directories) give the index one process gives."""
    from django.db import connection

    from newstart.search import services

    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        pytest.skip("worker processes cannot open an in-memory SQLite database; runs on PostgreSQL")
    term = TaxonomyTermFactory(code="LANG", name="Language classes")
    ConceptFactory(key="language", taxonomy_codes="LANG")
    for n in range(7):
        service = ServiceFactory(
            name=f"English class {n}",
            description="Conversation and grammar " * (n % 3),
            assured_date=dt.date(2025, 3, n + 1),
        )
        if n % 2:
            AttributeFactory(linked=service, taxonomy_term=term)
            ServiceAtLocationFactory(service=service, location=LocationFactory(latitude=43 + n / 10, longitude=-79))
    search_rebuild_index()
    serial = snapshot()
    monkeypatch.setattr(services, "PARALLEL_MIN_SERVICES", 1)
    monkeypatch.setattr(services, "REBUILD_CHUNK_SIZE", 2)
    assert services._rebuild_workers(7) > 1 or (os.cpu_count() or 1) == 1
    result = search_rebuild_index()
    assert result.services == 7
    assert snapshot() == serial
    assert Service.objects.count() == 7  # the parent's connection still works after the workers
