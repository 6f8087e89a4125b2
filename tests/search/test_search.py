"""Searching: ranking, languages, typo correction, concepts, fallbacks, filters, distance,
freshness, query budget, and the same ranked results on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import pytest
from django.utils import timezone

from newstart.directory.models import Service
from newstart.search.models import SearchDocument, SearchVocabulary
from newstart.search.selectors import IDF_SCALE, search_filter_queryset, search_services
from newstart.search.services import search_index_postings
from tests.directory.factories import (
    AttributeFactory,
    LocationFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    TaxonomyTermFactory,
)
from tests.search.factories import ConceptFactory, ConceptLabelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def housing():
    """A small thesaurus: housing, with rent help below it; terms and a concept label in Hindi."""
    top = TaxonomyTermFactory(code="HOUS", name="Housing")
    rent = TaxonomyTermFactory(code="HOUS-RENT", name="Rent help", parent=top, taxonomy_detail=top.taxonomy_detail)
    shelter = TaxonomyTermFactory(code="HOUS-SHELTER", name="Shelters", parent=top, taxonomy_detail=top.taxonomy_detail)
    housing = ConceptFactory(key="housing", taxonomy_codes="HOUS")
    ConceptLabelFactory(concept=housing, language="en", text="housing")
    ConceptLabelFactory(concept=housing, language="hi", text="घर ढूंढना")
    ConceptLabelFactory(concept=housing, language="zh-hans", text="找房子")
    rent_concept = ConceptFactory(key="rent_help", taxonomy_codes="HOUS-RENT", broader=housing)
    ConceptLabelFactory(concept=rent_concept, language="en", text="cannot pay rent")
    shelter_concept = ConceptFactory(key="shelter", taxonomy_codes="HOUS-SHELTER", broader=housing)
    ConceptLabelFactory(concept=shelter_concept, language="en", text="place to sleep tonight")
    return {"top": top, "rent": rent, "shelter": shelter}


def ids(result):
    return result.service_ids


def test_name_match_ranks_above_description_match():
    in_description = ServiceFactory(name="Drop-in centre", description="Coffee and a food cupboard.")
    in_name = ServiceFactory(name="Food bank", description="Groceries.")
    ServiceFactory(name="Legal clinic", description="Lawyers.")
    result = search_services(query="food")
    assert ids(result) == [in_name.pk, in_description.pk]


def test_found_in_any_language_it_is_written_in():
    service = ServiceFactory(name="Food bank", translations={"vi": {"name": "Ngân hàng thực phẩm"}})
    assert ids(search_services(query="thực phẩm")) == [service.pk]
    # Without the diacritics people often leave out.
    assert ids(search_services(query="thuc pham")) == [service.pk]
    assert search_services(query="thực phẩm").language == "vi"


def test_chinese_query_without_spaces_finds_chinese_text():
    service = ServiceFactory(name="English class", translations={"zh-hans": {"name": "免费英语课程"}})
    ServiceFactory(name="Legal clinic", translations={"zh-hans": {"name": "法律诊所"}})
    assert ids(search_services(query="我想学英语")) == [service.pk]


def test_typo_is_corrected_and_reported():
    service = ServiceFactory(name="Housing registry")
    result = search_services(query="hosuing")
    assert result.did_you_mean == "housing"
    assert ids(result) == [service.pk]
    assert search_services(query="housing").did_you_mean is None


def test_everyday_phrase_finds_services_through_the_concept(housing):
    service = ServiceFactory(name="Tenant line", description="Advice by phone.")
    AttributeFactory(linked=service, taxonomy_term=housing["rent"])
    other = ServiceFactory(name="Legal clinic", description="Rent disputes, wills.")
    result = search_services(query="i cannot pay rent this month")
    assert result.concepts == ["rent_help"]
    assert ids(result)[0] == service.pk
    assert other.pk in ids(result)


def test_concepts_match_across_scripts(housing):
    service = ServiceFactory(name="Housing help desk", description="")
    AttributeFactory(linked=service, taxonomy_term=housing["top"])
    assert ids(search_services(query="घर ढूंढना है")) == [service.pk]
    assert ids(search_services(query="我要找房子")) == [service.pk]
    assert search_services(query="我要找房子").concepts == ["housing"]


def test_broader_concept_when_nothing_matches_the_narrow_one(housing):
    service = ServiceFactory(name="Tenant line", description="")
    AttributeFactory(linked=service, taxonomy_term=housing["rent"])
    result = search_services(query="place to sleep tonight")
    # No shelter in this directory: its broader concept, housing, is searched.
    assert result.concepts == ["shelter"]
    assert ids(result) == [service.pk]
    assert result.suggestions == []


def test_broader_fallback_climbs_until_something_is_found(housing):
    eviction = ConceptFactory(key="eviction", broader=ConceptFactory(key="rent_help"))
    ConceptLabelFactory(concept=eviction, text="eviction notice")
    service = ServiceFactory(name="Front desk", description="")
    AttributeFactory(linked=service, taxonomy_term=housing["top"])
    result = search_services(query="got an eviction notice")
    # Neither eviction nor rent help is met here; housing, two levels up, is.
    assert result.concepts == ["eviction"]
    assert result.broader == ["housing"]
    assert ids(result) == [service.pk]


def test_nothing_at_all_still_suggests(housing):
    service = ServiceFactory(name="Tenant line", description="")
    AttributeFactory(linked=service, taxonomy_term=housing["rent"])
    result = search_services(query="place to sleep tonight", base_qs=Service.objects.exclude(pk=service.pk))
    assert result.hits == [] and result.broader == []
    assert "housing" in result.suggestions


def test_nothing_found_gives_suggestions(housing):
    ServiceFactory(name="Food bank")
    result = search_services(query="zzzz qqqq", language="zh-hans")
    assert result.hits == []
    assert "找房子" in result.suggestions


def test_base_queryset_restricts_the_search():
    first = ServiceFactory(name="Food bank one")
    second = ServiceFactory(name="Food bank two")
    result = search_services(query="food bank", base_qs=Service.objects.exclude(pk=first.pk))
    assert ids(result) == [second.pk]


def test_nearer_service_ranks_first_among_equals():
    far = ServiceFactory(name="Food bank", description="")
    near = ServiceFactory(name="Food bank", description="")
    ServiceAtLocationFactory(service=far, location=LocationFactory(latitude=49.0, longitude=-122.0))
    ServiceAtLocationFactory(service=near, location=LocationFactory(latitude=49.26, longitude=-123.11))
    result = search_services(query="food bank", near=(49.2606, -123.1140))
    assert ids(result) == [near.pk, far.pk]
    assert result.hits[0].distance_km is not None and result.hits[1].distance_km is not None
    assert result.hits[0].distance_km < 1 < result.hits[1].distance_km


def test_recently_verified_service_ranks_first_among_equals():
    today = timezone.localdate()
    old = ServiceFactory(name="Food bank", description="", assured_date=today - dt.timedelta(days=900))
    fresh = ServiceFactory(name="Food bank", description="", assured_date=today - dt.timedelta(days=3))
    assert ids(search_services(query="food bank")) == [fresh.pk, old.pk]


def test_limit_and_filter_queryset_keep_the_ranking():
    services = [ServiceFactory(name=f"Food bank {'extra ' * n}", description="") for n in range(4)]
    ranked = ids(search_services(query="food bank"))
    assert ids(search_services(query="food bank", limit=2)) == ranked[:2]
    qs = search_filter_queryset(Service.objects.all(), "food bank")
    assert [service.pk for service in qs] == ranked
    assert [service.search_rank for service in qs] == [1, 2, 3, 4]
    assert set(ranked) == {service.pk for service in services}
    assert search_filter_queryset(Service.objects.all(), "   ").count() == 4
    assert search_filter_queryset(Service.objects.all(), "zzzz qqqq").count() == 0


def test_empty_query_finds_nothing():
    ServiceFactory(name="Food bank")
    result = search_services(query="  ")
    assert result.hits == [] and result.language is None


@pytest.mark.parametrize("count", [1, 25])
def test_query_count_does_not_grow_with_the_results(count, housing, django_assert_max_num_queries):
    for n in range(count):
        service = ServiceFactory(name=f"Housing help {n}")
        AttributeFactory(linked=service, taxonomy_term=housing["rent"])
        ServiceAtLocationFactory(service=service)
    with django_assert_max_num_queries(6):
        result = search_services(query="housing help", near=(49.26, -123.11))
    assert len(result.hits) == count
    # With a typo: one more for the correction keys, one for the corrected word's counts.
    with django_assert_max_num_queries(8):
        assert len(search_services(query="hosuing help").hits) == count


def test_fixed_ranking_is_exact():
    """Hand-made data with a known order: this test runs on SQLite and on PostgreSQL."""
    today = timezone.localdate()
    services = {
        "name": ServiceFactory(name="Community kitchen", description="Hot meals.", assured_date=today),
        "both": ServiceFactory(name="Kitchen garden", description="Community plots.", assured_date=today),
        "description": ServiceFactory(name="Drop-in", description="A community kitchen too.", assured_date=today),
        "one": ServiceFactory(name="Kitchen", description="Cooking.", assured_date=today),
    }
    order = [
        next(key for key, s in services.items() if s.pk == pk) for pk in ids(search_services(query="community kitchen"))
    ]
    assert order == ["name", "both", "one", "description"]


def python_ranking(query_terms_weights):
    """The engine's ranking recomputed in Python from the postings: scores, then document numbers."""
    scores: dict = defaultdict(int)
    for term, service_id, weight in search_index_postings():
        if term in query_terms_weights:
            scores[service_id] += weight * query_terms_weights[term]
    number = dict(SearchDocument.objects.values_list("service_id", "id"))
    return [service_id for service_id, _ in sorted(scores.items(), key=lambda item: (-item[1], number[item[0]]))]


@pytest.mark.parametrize("query", ["community kitchen", "kitchen", "community"])
def test_sql_scores_are_the_integer_sums_python_computes(query):
    """Scores are exact integer sums ordered by (score, id): the same on every database."""
    for n in range(12):
        ServiceFactory(name=f"Kitchen {n}" if n % 2 else f"Community {n}", description="community " * (n % 3))
    total = Service.objects.count()
    vocabulary = dict(SearchVocabulary.objects.values_list("term", "doc_count"))
    weights = {
        term: max(1, round(IDF_SCALE * math.log(1 + total / vocabulary[term])))
        for term in query.split()
        if vocabulary.get(term)
    }
    result = search_services(query=query)
    assert all(isinstance(hit.relevance, int) for hit in result.hits)
    number = dict(SearchDocument.objects.values_list("service_id", "id"))
    by_relevance = sorted(result.hits, key=lambda hit: (-hit.relevance, number[hit.service_id]))
    assert [hit.service_id for hit in by_relevance] == python_ranking(weights)


@pytest.mark.parametrize(("batch", "largest"), [(1, 1), (1, 5), (3, 4), (2000, 20_000)])
def test_filters_keep_the_best_services_they_let_through(batch, largest, monkeypatch):
    """Whatever the batch sizes and however selective the filters (checked a batch at a time, in
    rank order), the result is the unfiltered ranking restricted to them."""
    from newstart.search import selectors

    monkeypatch.setattr(selectors, "FILTER_BATCH", batch)
    monkeypatch.setattr(selectors, "MAX_FILTER_BATCH", largest)
    services = [
        ServiceFactory(name="Food bank" if n % 3 else "Community food bank", description="food " * (n % 4), url="")
        for n in range(24)
    ]
    chosen = {service.pk for service in services[::5]} | {services[1].pk}
    Service.objects.filter(pk__in=chosen).update(url="https://example.org/")
    everything = search_services(query="food bank").service_ids
    assert len(everything) == 24
    filtered = search_services(query="food bank", base_qs=Service.objects.filter(url="https://example.org/"))
    assert filtered.service_ids == [service_id for service_id in everything if service_id in chosen]
    limited = search_services(query="food bank", base_qs=Service.objects.filter(url=""), limit=4)
    assert limited.service_ids == [service_id for service_id in everything if service_id not in chosen][:4]
    assert search_services(query="food bank", base_qs=Service.objects.none()).service_ids == []


def test_a_ranked_queryset_refuses_negative_slices_like_any_queryset():
    for n in range(3):
        ServiceFactory(name=f"Food bank {n}")
    qs = search_filter_queryset(Service.objects.all(), "food bank")
    assert qs.count() == 3
    assert [service.search_rank for service in qs[1:3]] == [2, 3]
    with pytest.raises(ValueError, match="Negative indexing"):
        qs[-2:]
