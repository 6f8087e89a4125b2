from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import override_settings
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from newstart.directory.hsds import profile
from newstart.directory.hsds.serialize import organization_to_hsds, service_to_hsds, taxonomy_term_to_hsds
from newstart.directory.models import Organization, Service, TaxonomyTerm

PROFILE_DIR = Path(__file__).resolve().parents[3] / "docs" / "hsds-profile" / "profile"


def _patches() -> dict[str, dict]:
    return {path.name: json.loads(path.read_text()) for path in sorted(PROFILE_DIR.glob("*.json"))}


def _profiled_validator(shared_dir: Path, hsds_type: str) -> Draft202012Validator:
    """A validator for the profile's schema of `hsds_type`: each patch merged into the
    HSDS 3.1 schema of the same name (new schemas taken as they are)."""
    schema_dir = shared_dir / "hsds-3.1" / "schema"
    schemas = {p.name: json.loads(p.read_text()) for p in schema_dir.glob("*.json") if p.name != "openapi.json"}
    for name, patch in _patches().items():
        schemas[name] = profile.merge_patch(schemas.get(name, {}), patch)
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT202012)) for name, schema in schemas.items()
    )
    return Draft202012Validator(schemas[f"{hsds_type}.json"], registry=registry, format_checker=FormatChecker())


def test_translatable_fields_are_the_models_translated_fields():
    for model in (Service, Organization, TaxonomyTerm):
        assert set(profile.TRANSLATABLE_FIELDS[model.hsds_type]) == set(model._parler_meta.get_translated_fields())


def test_profile_uri_comes_from_the_settings():
    with override_settings(HSDS_PROFILE_URL="https://example.org/profile"):
        assert profile.profile_uri() == "https://example.org/profile"


@pytest.mark.parametrize(
    ("target", "patch", "result"),
    [  # RFC 7386, appendix A
        ({"a": "b"}, {"a": "c"}, {"a": "c"}),
        ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
        ({"a": "b"}, {"a": None}, {}),
        ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
        ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
        ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
        ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
        ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
        (["a", "b"], ["c", "d"], ["c", "d"]),
        ({"a": "b"}, ["c"], ["c"]),
        ({"a": "foo"}, None, None),
        ({"a": "foo"}, "bar", "bar"),
        ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
        ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
        ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ],
)
def test_merge_patch_follows_rfc_7386(target, patch, result):
    before = json.dumps(target)
    assert profile.merge_patch(target, patch) == result
    assert json.dumps(target) == before


def test_profile_patches_produce_valid_json_schemas(shared_dir):
    assert set(_patches()) == {"service.json", "organization.json", "taxonomy_term.json", "translation.json"}
    for hsds_type in ("service", "organization", "taxonomy_term", "translation"):
        validator = _profiled_validator(shared_dir, hsds_type)
        Draft202012Validator.check_schema(validator.schema)
        for name in profile.TRANSLATABLE_FIELDS.get(hsds_type, ()):
            assert name in validator.schema["properties"]["translations"]["additionalProperties"]["properties"]
        if hsds_type != "translation":
            # The patch adds to HSDS; it removes nothing.
            original = json.loads((shared_dir / "hsds-3.1" / "schema" / f"{hsds_type}.json").read_text())
            assert set(original["properties"]) < set(validator.schema["properties"])


def test_translation_table_schema_matches_the_constants():
    schema = _patches()["translation.json"]
    assert schema["path"] == profile.TRANSLATIONS_PATH
    assert schema["name"] == profile.TRANSLATIONS_TABLE
    assert tuple(schema["properties"]) == profile.TRANSLATIONS_COLUMNS
    assert set(schema["properties"]["resource_type"]["enum"]) == set(profile.TRANSLATABLE_FIELDS)


@pytest.mark.django_db
def test_serialized_translations_validate_against_the_profile(full_service, shared_dir):
    service = _profiled_validator(shared_dir, "service")
    organization = _profiled_validator(shared_dir, "organization")
    term = _profiled_validator(shared_dir, "taxonomy_term")
    out = service_to_hsds(full_service, translations=True)
    assert list(service.iter_errors(out)) == []
    assert list(organization.iter_errors(organization_to_hsds(full_service.organization, translations=True))) == []
    assert (
        list(term.iter_errors(taxonomy_term_to_hsds(TaxonomyTerm.objects.get(code="EMP-SEARCH"), translations=True)))
        == []
    )

    # The profile's schema catches what plain HSDS lets through.
    broken = dict(out, translations={"fr": {"name": 5, "colour": "bleu"}, "not a language": {}}, source_language="?")
    assert len(list(service.iter_errors(broken))) == 4
