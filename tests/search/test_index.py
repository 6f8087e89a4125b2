"""The index stays in step with every write: services, translations, organizations, attributes,
taxonomy terms and the thesaurus; a rebuild gives the same index."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from newstart.directory.models import Attribute, Service
from newstart.search.models import ConceptLink, SearchDeletion, SearchTerm, SearchVocabulary, ServiceConcept
from newstart.search.services import (
    ConceptDataError,
    concept_load,
    search_index_services,
    search_rebuild_index,
    search_signals_paused,
)
from tests.directory.factories import (
    AttributeFactory,
    OrganizationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)
from tests.search.factories import ConceptFactory, ConceptLabelFactory

pytestmark = pytest.mark.django_db


def terms_of(service) -> dict[str, int]:
    return dict(SearchTerm.objects.filter(service=service).values_list("term", "weight"))


def doc_count(term: str) -> int:
    return SearchVocabulary.objects.filter(term=term).values_list("doc_count", flat=True).first() or 0


def snapshot():
    postings = sorted(SearchTerm.objects.values_list("term", "service_id", "weight"))
    links = sorted(ServiceConcept.objects.values_list("service_id", "concept_id", "link", "weight"))
    vocabulary = sorted(SearchVocabulary.objects.filter(doc_count__gt=0).values_list("term", "doc_count"))
    return postings, links, vocabulary


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
    links = dict(ServiceConcept.objects.filter(service=service).values_list("concept_id", "link"))
    assert links == {rent.pk: ConceptLink.TAXONOMY, housing.pk: ConceptLink.BROADER_TAXONOMY}
    attribute.delete()
    assert not ({"rent", "@rent_help", "@housing"} & terms_of(service).keys())
    assert not ServiceConcept.objects.filter(service=service).exists()


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
    assert ServiceConcept.objects.get(service=service).link == ConceptLink.TEXT


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
    assert not SearchTerm.objects.exists()
    assert doc_count("food") == 0


def test_incremental_index_equals_a_rebuild():
    term = TaxonomyTermFactory(code="LANG", name="Language classes", translations={"ko": {"name": "언어 수업"}})
    concept = ConceptFactory(key="language", taxonomy_codes="LANG")
    ConceptLabelFactory(concept=concept, text="english class")
    organization = OrganizationFactory(name="Harbour Society")
    for name in ("English class for adults", "Lớp tiếng Anh", "英语课程", "Conversation circle"):
        service = ServiceFactory(organization=organization, name=name)
        AttributeFactory(linked=service, taxonomy_term=term)
    gone = ServiceFactory(name="Temporary listing")
    gone.delete()
    incremental = snapshot()
    result = search_rebuild_index()
    assert result.services == 4
    assert snapshot() == incremental


def test_bulk_writes_reindex_once():
    with search_signals_paused():
        service = ServiceFactory(name="Harbour food bank")
    assert not SearchTerm.objects.filter(service=service).exists()
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
