"""Every page in every interface language; the language in the URL, the redirect, the switcher, fallbacks."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from newstart.common.languages import INTERFACE_LANGUAGES
from tests.navigator.conftest import make_service

pytestmark = pytest.mark.django_db

BIDI = {"fa", "ar"}


def page_urls(service_id: object) -> list[str]:
    return [
        reverse("navigator:home"),
        reverse("navigator:search"),
        reverse("navigator:search") + "?q=English&category=LANG&open_now=on&free=on",
        reverse("navigator:service", kwargs={"service_id": service_id}),
        reverse("navigator:service_print", kwargs={"service_id": service_id}),
    ]


@pytest.mark.parametrize("language", [lang.code for lang in INTERFACE_LANGUAGES])
def test_every_public_page_renders_in_each_language_with_lang_and_dir(client, taxonomy, language):
    service = make_service("English conversation circle", category="LANG", free=True)
    with translation.override(language):
        urls = page_urls(service.id)
    for url in urls:
        assert url.startswith(f"/{language}/")
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        direction = "rtl" if language in BIDI else "ltr"
        assert f'<html lang="{language}" dir="{direction}">' in html, url
        assert html.count("<h1") == 1, url


def test_root_redirects_by_accept_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="pa,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/pa/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-TW")["Location"] == "/zh-hant/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de")["Location"] == "/en/"


def test_root_redirects_by_cookie_before_accept_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="pa")
    assert response["Location"] == "/fa/"


def test_switcher_shows_each_language_in_its_own_name(client, taxonomy):
    html = client.get("/en/").content.decode()
    for language in INTERFACE_LANGUAGES:
        assert f'lang="{language.code}" hreflang="{language.code}"' in html
        assert f">{language.own_name}</a>" in html
    assert 'aria-current="true">English</a>' in html


def test_switching_language_remembers_it_and_keeps_the_page(client, taxonomy):
    response = client.get("/en/language/", {"to": "pa", "next": "/en/search/?q=food&free=on"})
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/pa/search/"
    assert parse_qs(target.query) == {"q": ["food"], "free": ["on"]}
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pa"
    # The remembered choice now decides where "/" goes.
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/pa/"


def test_switching_refuses_unknown_languages_and_foreign_next(client):
    assert client.get("/en/language/", {"to": "xx", "next": "/en/"}).status_code == 404
    response = client.get("/en/language/", {"to": "fr", "next": "https://evil.example.com/"})
    assert response["Location"] == "/fr/"


def test_fallback_note_when_translation_missing_and_not_when_present(client, taxonomy):
    service = make_service(
        "Job search help",
        description="Resume help.",
        translations={"pa": {"name": "ਨੌਕਰੀ ਲੱਭਣ ਵਿੱਚ ਮਦਦ", "description": "ਰੈਜ਼ਿਊਮੇ ਵਿੱਚ ਮਦਦ।"}},
    )
    url = reverse("navigator:service", kwargs={"service_id": service.id})
    punjabi = client.get("/pa" + url[3:]).content.decode()
    assert "ਨੌਕਰੀ ਲੱਭਣ ਵਿੱਚ ਮਦਦ" in punjabi
    assert 'class="note"' not in punjabi
    persian = client.get("/fa" + url[3:]).content.decode()
    assert 'class="note"' in persian
    assert '<h1 lang="en" dir="auto">Job search help</h1>' in persian


def test_fallback_note_names_both_languages(client, taxonomy):
    service = make_service("ਲੰਗਰ", source_language="pa")
    html = client.get(reverse("navigator:service", kwargs={"service_id": service.id})).content.decode()
    assert "This information is shown in Punjabi; no English translation yet." in html
    assert '<h1 lang="pa" dir="auto">ਲੰਗਰ</h1>' in html
    results = client.get(reverse("navigator:search")).content.decode()
    assert "This information is shown in Punjabi; no English translation yet." in results


def test_unknown_page_is_a_friendly_translated_404(client):
    response = client.get("/fr/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    assert 'role="search"' in html
