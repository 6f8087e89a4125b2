"""Every public page is light (≤ 100 KB gzip of its HTML, CSS and JS) and asks no third party for anything."""

from __future__ import annotations

import gzip
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.navigator.conftest import make_service

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 100 * 1024
# Attributes that make the browser fetch something.
FETCHING = {"src", "srcset", "action", "poster", "data", "formaction"}
# Our lazy loaders name their same-origin scripts and styles in these.
LAZY = {"data-leaflet-js", "data-leaflet-css"}


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []
        self.fetched: list[str] = []
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "script" and values.get("src"):
            self.assets.append(values["src"])
        if tag == "link" and "stylesheet" in values.get("rel", "").split():
            self.assets.append(values["href"])
        for name in LAZY & values.keys():
            self.assets.append(values[name])
        for name in FETCHING & values.keys():
            self.fetched.append(values[name])
        if tag == "link":
            self.fetched.append(values.get("href", ""))
        if tag == "a" and "href" in values:
            self.links.append((values["href"], values.get("rel", "")))


def public_pages(client) -> dict[str, str]:
    service = make_service(
        "Newcomer settlement help", category="LANG", free=True, url="https://agency.example.org/help", is_demo=True
    )
    for n in range(12):
        make_service(f"Language class {n}", category="LANG", free=True)
    return {
        "home": reverse("navigator:home"),
        "search": reverse("navigator:search") + "?category=LANG",
        "service": reverse("navigator:service", kwargs={"service_id": service.id}),
        "print": reverse("navigator:service_print", kwargs={"service_id": service.id}),
        "not found": "/en/no-such-page/",
    }


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    return collector


def static_file(url: str) -> bytes:
    assert url.startswith(settings.STATIC_URL), url
    path = finders.find(url[len(settings.STATIC_URL) :])
    assert path, f"{url} is not a static file"
    with open(path, "rb") as handle:
        return handle.read()


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


@pytest.mark.parametrize("language", ["en", "pa", "ar"])
def test_every_public_page_within_the_weight_budget(client, taxonomy, language):
    for name, url in public_pages(client).items():
        response = client.get(f"/{language}{url[3:]}")
        assert response.status_code in (200, 404)
        html = response.content
        assets = sorted(set(parse(html.decode()).assets))
        total = gz(html) + sum(gz(static_file(asset)) for asset in assets)
        assert total <= BUDGET_BYTES, f"{name}: {total} bytes ({assets})"


def test_own_stylesheet_is_small():
    path = finders.find("navigator/navigator.css")
    assert isinstance(path, str)
    with open(path, "rb") as handle:
        assert len(handle.read()) < 15 * 1024


def test_no_third_party_requests(client, taxonomy):
    for name, url in public_pages(client).items():
        html = client.get(url).content.decode()
        collector = parse(html)
        for value in collector.fetched + collector.assets:
            parts = urlsplit(value)
            assert not parts.netloc or parts.netloc == "testserver", f"{name} fetches {value}"
            assert parts.scheme in ("", "http", "https"), f"{name} fetches {value}"
        # Links are not requests; the only external ones are a service's own website, marked as such.
        for href, rel in collector.links:
            parts = urlsplit(href)
            if parts.scheme in ("tel", "mailto") or not parts.netloc or parts.netloc == "testserver":
                continue
            assert "external" in rel.split(), f"{name} links to {href}"
        # The tile server is named only in the map's configuration, used when the visitor opens the map.
        tile_host = urlsplit(settings.NAVIGATOR_TILE_URL).netloc
        assert html.count(tile_host) == html.count(f'data-tile-url="{settings.NAVIGATOR_TILE_URL}"'), name


def test_the_map_waits_for_the_visitor(client, taxonomy):
    html = client.get(public_pages(client)["search"]).content.decode()
    # Leaflet is not loaded with the page: only named for the script to load when the map opens.
    assert '<script src="/static/leaflet/' not in html
    assert '<details class="map"' in html and '<details class="map" open' not in html
