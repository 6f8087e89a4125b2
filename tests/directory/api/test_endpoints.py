from __future__ import annotations

import re
import uuid

import pytest
from django.test import override_settings

from tests.directory import factories as f

pytestmark = pytest.mark.django_db

ENVELOPE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}
LIST_PATHS = ["/services", "/organizations", "/taxonomies", "/taxonomy_terms", "/service_at_locations"]


# --- Root and documents -------------------------------------------------------------------


@override_settings(HSDS_PROFILE_URL="https://example.org/our-profile")
def test_root_describes_the_api(api_get):
    result = api_get("/")
    assert result.status == 200
    assert result.json() == {
        "version": "3.1",
        "profile": "https://example.org/our-profile",
        "openapi_url": "http://testserver/api/hsds/openapi.json",
    }


def test_openapi_document_lists_every_path_and_extension(api_get):
    result = api_get("/openapi.json")
    assert result.status == 200
    document = result.json()
    paths = set(document["paths"])
    expected = {"/api/hsds/"} | {f"/api/hsds{p}" for p in LIST_PATHS} | {f"/api/hsds{p}/{{id}}" for p in LIST_PATHS}
    assert paths == expected
    for path_item in document["paths"].values():
        assert set(path_item) == {"get"}  # read-only
    services = document["paths"]["/api/hsds/services"]["get"]
    assert services["operationId"] == "getPaginatedListOfServices"
    described = {p["name"]: p.get("description", "") for p in services["parameters"]}
    hsds = {"search", "page", "per_page", "format", "taxonomy_term_id", "taxonomy_id", "organization_id"}
    extensions = {"lang", "language", "local_area", "lat", "lon", "radius_km", "open_now", "free"}
    assert hsds | {"modified_after", "minimal", "full"} | extensions <= set(described)
    for name in extensions:
        assert "newstart extension" in described[name], name
    assert "400" in services["responses"]
    sal_params = {p["name"] for p in document["paths"]["/api/hsds/service_at_locations"]["get"]["parameters"]}
    assert {"postcode", "proximity"} <= sal_params


def test_docs_page_loads_nothing_from_elsewhere(api_get):
    result = api_get("/docs")
    assert result.status == 200
    assert "swagger-ui-bundle.js" in result.text
    external = [url for url in re.findall(r"""(?:src|href)=["']([^"']+)""", result.text) if "//" in url]
    assert external == []
    # Swagger UI's default validator would fetch a badge from validator.swagger.io.
    assert '"validatorUrl": null' in result.text


@pytest.mark.parametrize("path", ["/services", "/organizations", "/"])
def test_read_only(client, path):
    assert client.post("/api/hsds" + path, {}).status_code == 405


# --- Envelope and pagination -----------------------------------------------------------------


@pytest.mark.parametrize("path", LIST_PATHS)
def test_empty_list(api_get, path):
    result = api_get(path)
    assert result.status == 200
    assert result.json() == {
        "total_items": 0,
        "total_pages": 0,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


def test_pages(api_get):
    services = sorted(str(f.ServiceFactory().id) for _ in range(5))
    first = api_get("/services", {"per_page": 2}).json()
    assert set(first) == ENVELOPE_KEYS
    assert first["total_items"] == 5
    assert first["total_pages"] == 3
    assert first["page_number"] == 1
    assert first["size"] == 2
    assert (first["first_page"], first["last_page"], first["empty"]) == (True, False, False)
    assert [s["id"] for s in first["contents"]] == services[:2]

    middle = api_get("/services", {"per_page": 2, "page": 2}).json()
    assert (middle["first_page"], middle["last_page"]) == (False, False)
    assert [s["id"] for s in middle["contents"]] == services[2:4]

    last = api_get("/services", {"per_page": 2, "page": 3}).json()
    assert (last["size"], last["first_page"], last["last_page"], last["empty"]) == (1, False, True, False)
    assert [s["id"] for s in last["contents"]] == services[4:]

    beyond = api_get("/services", {"per_page": 2, "page": 4}).json()
    assert beyond["contents"] == []
    assert (beyond["page_number"], beyond["size"], beyond["empty"], beyond["last_page"]) == (4, 0, True, True)
    assert beyond["total_items"] == 5

    far_beyond = api_get("/services", {"page": 10**30})
    assert far_beyond.status == 200
    assert far_beyond.json()["contents"] == []


def test_per_page_one_and_default(api_get):
    for _ in range(25):
        f.ServiceFactory()
    one = api_get("/services", {"per_page": 1}).json()
    assert (one["size"], one["total_pages"]) == (1, 25)
    default = api_get("/services").json()
    assert default["size"] == 20


@override_settings(HSDS_API_MAX_PER_PAGE=3)
def test_per_page_maximum_comes_from_settings(api_get):
    for _ in range(4):
        f.ServiceFactory()
    at_max = api_get("/services", {"per_page": 3}).json()
    assert (at_max["size"], at_max["total_pages"]) == (3, 2)
    too_many = api_get("/services", {"per_page": 4})
    assert too_many.status == 400
    assert too_many.json()["detail"][0]["parameter"] == "per_page"
    # The default never exceeds the maximum.
    assert api_get("/services").json()["size"] == 3


# --- Each endpoint ----------------------------------------------------------------------------


def test_services_list_and_detail(api_get):
    service = f.ServiceFactory(name="Settlement help", status="inactive")
    sal = f.ServiceAtLocationFactory(service=service)
    f.PhoneFactory(service=service)
    listing = api_get("/services").json()["contents"]
    assert listing[0]["id"] == str(service.id)
    # Inactive services are listed, with their status.
    assert listing[0]["status"] == "inactive"
    assert listing[0]["organization"]["id"] == str(service.organization_id)
    assert "phones" not in listing[0]

    full = api_get("/services", {"full": "true"}).json()["contents"][0]
    assert full["phones"][0]["number"]
    assert full["service_at_locations"][0]["id"] == str(sal.id)

    detail = api_get(f"/services/{service.id}")
    assert detail.status == 200
    assert detail.json()["name"] == "Settlement help"
    assert detail.json()["service_at_locations"][0]["location"]["id"] == str(sal.location_id)


def test_services_minimal(api_get):
    service = f.ServiceFactory()
    contents = api_get("/services", {"minimal": "true"}).json()["contents"]
    assert contents == [{"id": str(service.id), "last_modified": service.last_modified.isoformat()}]


def test_organizations_list_and_detail(api_get):
    org = f.OrganizationFactory(name="Mosaic")
    service = f.ServiceFactory(organization=org)
    f.PhoneFactory(service=service)
    basic = api_get("/organizations").json()["contents"][0]
    assert basic["name"] == "Mosaic"
    assert "services" not in basic
    full = api_get("/organizations", {"full": "true"}).json()["contents"][0]
    assert full["services"][0]["id"] == str(service.id)
    assert "phones" not in full["services"][0]
    full_service = api_get("/organizations", {"full": "true", "full_service": "true"}).json()["contents"][0]
    assert full_service["services"][0]["phones"]

    detail = api_get(f"/organizations/{org.id}").json()
    assert detail["services"][0]["id"] == str(service.id)
    assert "phones" not in detail["services"][0]
    assert api_get(f"/organizations/{org.id}", {"full_service": "true"}).json()["services"][0]["phones"]


def test_taxonomies_and_terms(api_get):
    taxonomy = f.TaxonomyFactory(name="newstart settlement taxonomy")
    top = f.TaxonomyTermFactory(code="LANG", name="Language", taxonomy_detail=taxonomy)
    child = f.TaxonomyTermFactory(code="LANG-LINC", name="LINC classes", parent=top, taxonomy_detail=taxonomy)
    assert api_get("/taxonomies").ids() == [str(taxonomy.id)]
    assert api_get(f"/taxonomies/{taxonomy.id}").json()["name"] == "newstart settlement taxonomy"
    assert api_get("/taxonomy_terms").ids() == [str(top.id), str(child.id)]
    assert api_get("/taxonomy_terms", {"top_only": "true"}).ids() == [str(top.id)]
    assert api_get("/taxonomy_terms", {"parent_id": str(top.id)}).ids() == [str(child.id)]
    assert api_get("/taxonomy_terms", {"taxonomy_id": str(taxonomy.id), "search": "linc"}).ids() == [str(child.id)]
    assert api_get("/taxonomy_terms", {"taxonomy_id": str(uuid.uuid4())}).ids() == []
    term = api_get(f"/taxonomy_terms/{child.id}").json()
    assert (term["name"], term["code"], term["parent_id"]) == ("LINC classes", "LANG-LINC", str(top.id))
    assert api_get("/taxonomies", {"search": "nothing like it"}).ids() == []


def test_service_at_locations_list_and_detail(api_get):
    sal = f.ServiceAtLocationFactory()
    f.ScheduleFactory(service=None, service_at_location=sal)
    listing = api_get("/service_at_locations").json()["contents"][0]
    assert listing["id"] == str(sal.id)
    assert listing["location"]["id"] == str(sal.location_id)
    assert listing["service"]["id"] == str(sal.service_id)
    assert "schedules" not in listing
    full = api_get("/service_at_locations", {"full": "true"}).json()["contents"][0]
    assert full["schedules"][0]["byday"] == "MO,TU,WE,TH,FR"
    detail = api_get(f"/service_at_locations/{sal.id}").json()
    assert detail["schedules"] and detail["service"]["id"] == str(sal.service_id)


@pytest.mark.parametrize(
    "path", ["/services", "/organizations", "/taxonomies", "/taxonomy_terms", "/service_at_locations"]
)
def test_unknown_id_is_404_json(api_get, path):
    f.ServiceAtLocationFactory()
    f.TaxonomyTermFactory()
    result = api_get(f"{path}/{uuid.uuid4()}")
    assert result.status == 404
    assert result.content_type.startswith("application/json")
    assert result.json()["detail"][0]["parameter"] == "id"


def test_an_id_of_another_kind_is_404(api_get):
    service = f.ServiceFactory()
    assert api_get(f"/organizations/{service.id}").status == 404


# --- ndjson ---------------------------------------------------------------------------------


def test_ndjson_streams_every_service_without_pagination(api_get):
    services = sorted(str(f.ServiceFactory().id) for _ in range(5))
    result = api_get("/services", {"format": "ndjson", "per_page": 2, "page": 2})
    assert result.status == 200
    assert result.response.streaming
    assert result.content_type == "application/x-ndjson"
    lines = result.lines()
    assert [line["id"] for line in lines] == services
    assert all("name" in line for line in lines)
    assert result.text.endswith("\n")


@pytest.mark.parametrize("path", LIST_PATHS)
def test_ndjson_on_every_list(api_get, path):
    f.ServiceAtLocationFactory()
    f.TaxonomyTermFactory()
    json_ids = api_get(path, {"per_page": 100}).ids()
    ndjson = api_get(path, {"format": "ndjson"})
    assert ndjson.content_type == "application/x-ndjson"
    assert [line["id"] for line in ndjson.lines()] == json_ids


def test_ndjson_minimal_and_filtered(api_get):
    free = f.ServiceFactory()
    f.make_free(free)
    f.ServiceFactory()
    lines = api_get("/services", {"format": "ndjson", "minimal": "true", "free": "true"}).lines()
    assert lines == [{"id": str(free.id), "last_modified": free.last_modified.isoformat()}]


def test_ndjson_empty(api_get):
    result = api_get("/services", {"format": "ndjson"})
    assert (result.status, result.text) == (200, "")


def test_ndjson_in_many_batches(api_get, monkeypatch):
    monkeypatch.setattr("newstart.directory.api.endpoints.NDJSON_CHUNK_SIZE", 2)
    services = sorted(str(f.ServiceFactory().id) for _ in range(5))
    assert [line["id"] for line in api_get("/services", {"format": "ndjson", "full": "true"}).lines()] == services


# --- Languages ------------------------------------------------------------------------------


def test_lang_translates_with_fallback(api_get):
    translated = f.ServiceFactory(name="Job help", translations={"fr": {"name": "Aide à l'emploi"}})
    punjabi_only = f.ServiceFactory(name="ਨੌਕਰੀ ਦੀ ਮਦਦ", source_language="pa")
    by_id = {s["id"]: s["name"] for s in api_get("/services", {"lang": "fr"}).json()["contents"]}
    assert by_id[str(translated.id)] == "Aide à l'emploi"
    # No French: the record's own language.
    assert by_id[str(punjabi_only.id)] == "ਨੌਕਰੀ ਦੀ ਮਦਦ"
    english = {s["id"]: s["name"] for s in api_get("/services", {"lang": "ko"}).json()["contents"]}
    assert english[str(translated.id)] == "Job help"
    assert api_get(f"/services/{translated.id}", {"lang": "fr"}).json()["name"] == "Aide à l'emploi"
    lines = api_get("/services", {"lang": "fr", "format": "ndjson"}).lines()
    assert {line["id"]: line["name"] for line in lines}[str(translated.id)] == "Aide à l'emploi"


def test_lang_parameter_beats_accept_language(api_get):
    service = f.ServiceFactory(name="Job help", translations={"fr": {"name": "Aide à l'emploi"}})
    by_header = api_get(f"/services/{service.id}", HTTP_ACCEPT_LANGUAGE="fr")
    assert by_header.json()["name"] == "Aide à l'emploi"
    both = api_get(f"/services/{service.id}", {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert both.json()["name"] == "Job help"


@pytest.mark.parametrize(
    "lang", ["en", "fr", "zh-hans", "zh-hant", "pa", "tl", "fa", "ar", "es", "ko", "vi", "uk", "ZH-Hans"]
)
def test_every_interface_language_is_accepted(api_get, lang):
    f.ServiceFactory()
    assert api_get("/services", {"lang": lang}).status == 200


def test_lang_on_organizations_and_terms(api_get):
    org = f.OrganizationFactory(name="Food bank", translations={"es": {"name": "Banco de alimentos"}})
    term = f.TaxonomyTermFactory(name="Food", translations={"es": {"name": "Comida"}})
    assert api_get("/organizations", {"lang": "es"}).json()["contents"][0]["name"] == "Banco de alimentos"
    assert api_get(f"/organizations/{org.id}", {"lang": "es"}).json()["name"] == "Banco de alimentos"
    assert api_get("/taxonomy_terms", {"lang": "es"}).json()["contents"][0]["name"] == "Comida"
    assert api_get(f"/taxonomy_terms/{term.id}", {"lang": "es"}).json()["name"] == "Comida"
