"""The search page with words: the search engine's ranking, and the ways forward it offers when the
words were misspelt, when only a broader need matched, and when nothing matched at all."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newstart.navigator.selectors import NavigatorFilters, navigator_search
from tests.navigator.conftest import make_service
from tests.search.factories import ConceptFactory, ConceptLabelFactory

pytestmark = pytest.mark.django_db


def result_names(html: str) -> list[str]:
    return re.findall(r'<h3 lang="[^"]+" dir="auto"><a href="[^"]+">([^<]+)</a></h3>', html)


def page(client, **params) -> str:
    response = client.get(reverse("navigator:search"), params)
    assert response.status_code == 200
    return response.content.decode()


def links(html: str, css_class: str) -> dict[str, str]:
    """Text -> href of the links inside the first element with this class (a paragraph or a list)."""
    start = html.index(f'class="{css_class}"')
    end = min(index for index in (html.find("</p>", start), html.find("</ul>", start)) if index >= 0)
    found = re.findall(r'<a[^>]* href="([^"]+)"[^>]*>([^<]+)</a>', html[start:end])
    return {unescape(text): unescape(href) for href, text in found}


def params_of(url: str) -> dict[str, list[str]]:
    parts = urlsplit(url)
    assert parts.path == reverse("navigator:search")
    return parse_qs(parts.query)


@pytest.fixture
def housing_thesaurus(taxonomy):
    """Housing (the HOUS category) > rent help (HOUS-RENT) > eviction, as in the real thesaurus."""
    housing = ConceptFactory(key="housing", taxonomy_codes="HOUS")
    ConceptLabelFactory(concept=housing, language="en", text="housing")
    ConceptLabelFactory(concept=housing, language="pa", text="ਘਰ")
    ConceptLabelFactory(concept=housing, language="fr", text="logement")
    rent = ConceptFactory(key="rent_help", taxonomy_codes="HOUS-RENT", broader=housing)
    ConceptLabelFactory(concept=rent, language="en", text="cannot pay rent")
    eviction = ConceptFactory(key="eviction", broader=rent)
    ConceptLabelFactory(concept=eviction, language="en", text="eviction notice")
    jobs = ConceptFactory(key="employment", taxonomy_codes="EMP")
    ConceptLabelFactory(concept=jobs, language="en", text="work")
    ConceptLabelFactory(concept=jobs, language="pa", text="ਨੌਕਰੀ")


def test_words_rank_by_relevance_not_by_name(client, taxonomy):
    make_service("Apple drop-in", description="Coffee, and a food bank on Fridays.")
    make_service("Zebra food bank", description="Groceries for families.")
    make_service("Legal clinic", description="Lawyers.")
    # The name says it: first, although by name it would come last.
    assert result_names(page(client, q="food bank")) == ["Zebra food bank", "Apple drop-in"]
    # Without words, the order stays by name.
    assert result_names(page(client)) == ["Apple drop-in", "Legal clinic", "Zebra food bank"]


def organizations_in_order(html: str) -> list[str]:
    return re.findall(r'<p class="org"[^>]*>([^<]+)</p>', html)


def test_words_and_a_place_rank_nearer_services_first_among_equals(client, taxonomy):
    make_service(
        "Food bank", latitude=49.2790, longitude=-123.1150, postcode="V6B 1A1", organization__name="Downtown Society"
    )
    make_service(
        "Food bank", latitude=49.2810, longitude=-123.0440, postcode="V5K 0A1", organization__name="East Side Society"
    )
    make_service(
        "Drop-in",
        description="Coffee, and a food bank on Fridays.",
        latitude=49.2811,
        longitude=-123.0441,
        postcode="V5K 0A2",
        organization__name="Corner Society",
    )
    html = page(client, q="food bank", postcode="V5K 0A1")
    # Of the two equal matches the nearer comes first; the weaker match next door stays below both.
    assert organizations_in_order(html) == ["East Side Society", "Downtown Society", "Corner Society"]
    assert "0.0 km away" in html and "km away" in html.split("Downtown Society")[1]
    # Without a place, the two equal matches are in the engine's own order, still above the weaker one.
    assert organizations_in_order(page(client, q="food bank"))[2] == "Corner Society"
    # A radius still applies: only what is near is ranked.
    assert organizations_in_order(page(client, q="food bank", postcode="V5K 0A1", radius="1")) == [
        "East Side Society",
        "Corner Society",
    ]


def test_a_misspelt_word_is_corrected_with_a_link_to_the_corrected_search(client, taxonomy):
    make_service("Housing registry", free=True)
    html = page(client, q="hosuing", free="on")
    # The results are already those of the corrected words.
    assert result_names(html) == ["Housing registry"]
    assert "Did you mean" in html
    corrected = links(html, "note did-you-mean")
    assert list(corrected) == ["housing"]
    # The link searches again for the corrected words, keeping the filters.
    assert params_of(corrected["housing"]) == {"q": ["housing"], "free": ["on"]}
    again = page(client, **{key: values[0] for key, values in params_of(corrected["housing"]).items()})
    assert result_names(again) == ["Housing registry"]
    assert "Did you mean" not in again
    assert "Did you mean" not in page(client, q="housing")


def test_only_a_broader_need_matched(client, housing_thesaurus):
    make_service("Tenant line", description="Advice by phone.", category="HOUS")
    make_service("Legal clinic", description="Lawyers.", category="LEGAL")
    html = page(client, q="eviction notice")
    # Nothing for eviction or rent help here: services for housing, two levels up, and saying so.
    assert result_names(html) == ["Tenant line"]
    assert "No exact matches; showing services for housing." in html
    assert "No exact matches" not in page(client, q="tenant")


def test_the_broader_need_is_named_in_the_reader_s_language(client, housing_thesaurus):
    make_service("Tenant line", description="Advice by phone.", category="HOUS")
    with_french = client.get("/fr/search/", {"q": "eviction notice"}).content.decode()
    assert "logement" in with_french


def test_nothing_found_offers_needs_filters_and_topics(client, housing_thesaurus):
    make_service("Tenant line", description="Advice by phone.", category="HOUS")
    html = page(client, q="xyzzy plugh", language="pa")
    assert result_names(html) == []
    assert "No services match" in html
    # Needs to try, as category searches that keep the other filters.
    suggested = links(html, "suggestions")
    assert set(suggested) == {"housing", "work"}
    assert params_of(suggested["housing"]) == {"category": ["HOUS"], "language": ["pa"]}
    assert params_of(suggested["work"]) == {"category": ["EMP"], "language": ["pa"]}
    # The same words without the filters.
    assert 'href="/en/search/?q=xyzzy+plugh"' in html
    # And the topics of the home page.
    assert "Or choose a topic" in html
    assert re.search(r'<a class="tile tile-hous" href="/en/search/\?category=HOUS">', html)
    assert re.search(r'<a class="tile tile-lang" href="/en/search/\?category=LANG">', html)


def test_needs_are_suggested_in_the_language_of_the_words(client, housing_thesaurus):
    html = page(client, q="ਜ਼ਖ਼ਰਬ")
    suggested = links(html, "suggestions")
    assert set(suggested) == {"ਘਰ", "ਨੌਕਰੀ"}
    # Marked as Punjabi for screen readers, on a page in English.
    assert re.search(r'<a href="[^"]+" lang="pa" dir="auto">ਘਰ</a>', html)


def test_without_words_an_empty_result_still_shows_the_way_forward(client, taxonomy):
    make_service("Paid English class", category="LANG")
    html = page(client, category="LANG", free="on")
    assert result_names(html) == []
    assert "0 services found" in html
    assert "No services match" in html
    assert '<a class="button" href="/en/search/">Search again without filters</a>' in html
    assert "Or choose a topic" in html
    assert 'class="suggestions"' not in html


def test_the_htmx_partial_carries_the_ways_forward_too(client, housing_thesaurus):
    make_service("Housing registry")
    corrected = client.get(reverse("navigator:search"), {"q": "hosuing"}, HTTP_HX_REQUEST="true").content.decode()
    assert corrected.lstrip().startswith('<section id="results"')
    assert list(links(corrected, "note did-you-mean")) == ["housing"]
    nothing = client.get(reverse("navigator:search"), {"q": "xyzzy plugh"}, HTTP_HX_REQUEST="true").content.decode()
    assert nothing.lstrip().startswith('<section id="results"')
    assert "housing" in links(nothing, "suggestions")
    assert 'class="tile tile-hous"' in nothing


def test_navigator_search_returns_what_the_engine_made_of_the_words(housing_thesaurus):
    make_service("Tenant line", description="Advice by phone.", category="HOUS")
    results = navigator_search(query="eviction notice", filters=NavigatorFilters(), language="en")
    assert results.search is not None and results.search.broader == ["housing"]
    assert [str(service) for service in results.services] == ["Tenant line"]
    assert [service.search_rank for service in results.services] == [1]
    none = navigator_search(query="", filters=NavigatorFilters(), language="en")
    assert none.search is None and none.did_you_mean is None


def test_query_count_with_words_does_not_grow_with_the_results(client, taxonomy, settings):
    settings.NAVIGATOR_RESULTS_PER_PAGE = 20
    make_service("Food bank 0", languages=("en", "pa"), free=True, category="FOOD")
    params = {"q": "food bank", "postcode": "V5Y", "free": "on"}
    with CaptureQueriesContext(connection) as one:
        assert len(result_names(page(client, **params))) == 1
    for n in range(1, 15):
        make_service(f"Food bank {n}", languages=("en", "pa"), free=True, category="FOOD")
    with CaptureQueriesContext(connection) as many:
        assert len(result_names(page(client, **params))) == 15
    assert len(many) == len(one)
