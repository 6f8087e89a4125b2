from __future__ import annotations

import io
import json
import re
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from newstart.common.languages import INTERFACE_LANGUAGE_CODES
from newstart.directory.models import Attribute, Taxonomy, TaxonomyTerm
from newstart.directory.taxonomies import (
    MAPS_TO,
    OPEN_ELIGIBILITY_MAPPING_PATH,
    OPEN_ELIGIBILITY_TAXONOMY_ID,
    OPEN_ELIGIBILITY_TAXONOMY_NAME,
    SETTLEMENT_TAXONOMY_ID,
    SETTLEMENT_TAXONOMY_NAME,
    SETTLEMENT_TAXONOMY_PATH,
    TAXONOMY_NAMESPACE,
    settlement_taxonomy_data,
    settlement_term_get,
    settlement_terms_for,
    taxonomy_import_open_eligibility,
    taxonomy_load_settlement,
)

TOP_LEVEL_CODES = {
    "LANG",
    "EMP",
    "CRED",
    "HOUS",
    "HEALTH",
    "CHILD",
    "LEGAL",
    "REFUGEE",
    "CIT",
    "MONEY",
    "FOOD",
    "COMM",
    "CRISIS",
    "ORIENT",
    "INTERP",
}
# A name in these languages must contain at least one letter of the language's own script.
SCRIPTS = {
    "zh-hans": r"[\u4e00-\u9fff]",
    "zh-hant": r"[\u4e00-\u9fff]",
    "pa": r"[\u0a00-\u0a7f]",
    "fa": r"[\u0600-\u06ff]",
    "ar": r"[\u0600-\u06ff]",
    "ko": r"[\uac00-\ud7af]",
    "uk": r"[\u0400-\u04ff]",
}
TranslationModel = TaxonomyTerm._parler_meta.root_model


def _file_terms() -> list[dict]:
    return json.loads(SETTLEMENT_TAXONOMY_PATH.read_text(encoding="utf-8"))["terms"]


def _settlement(code: str) -> TaxonomyTerm:
    term = settlement_term_get(code=code)
    assert term is not None, code
    return term


def _parent_code(term: TaxonomyTerm) -> str | None:
    return term.parent.code if term.parent else None


def _counts() -> dict[str, int]:
    return {
        "taxonomies": Taxonomy.objects.count(),
        "terms": TaxonomyTerm.objects.count(),
        "translations": TranslationModel.objects.count(),
        "attributes": Attribute.objects.count(),
        "taxonomy history": Taxonomy.history.count(),
        "term history": TaxonomyTerm.history.count(),
        "translation history": TranslationModel.history.count(),
        "attribute history": Attribute.history.count(),
    }


# --- The data file ---------------------------------------------------------------------------------


def test_settlement_data_file_is_valid() -> None:
    terms = _file_terms()
    codes = [term["code"] for term in terms]
    assert 80 <= len(terms) <= 150
    assert len(codes) == len(set(codes)), "codes must be unique"
    assert {term["code"] for term in terms if term["parent"] is None} == TOP_LEVEL_CODES
    for term in terms:
        code, parent = term["code"], term["parent"]
        assert re.fullmatch(r"[A-Z][A-Z0-9]*(-[A-Z0-9]+)*", code), code
        if parent is not None:
            assert parent in codes, f"{code}: parent {parent} missing"
            assert code.startswith(parent + "-"), code
        assert set(term["name"]) == set(INTERFACE_LANGUAGE_CODES), code
        english = term["name"]["en"]
        for language, name in term["name"].items():
            assert isinstance(name, str) and name.strip() == name and name, f"{code} {language}"
            if language in SCRIPTS:
                assert name != english, f"{code} {language} is the English name"
                assert re.search(SCRIPTS[language], name), f"{code} {language}: {name!r} is not in its script"
        assert term["description"]["en"].strip(), code
    # Traditional and Simplified Chinese are written differently for most terms.
    differing = sum(term["name"]["zh-hans"] != term["name"]["zh-hant"] for term in terms)
    assert differing > len(terms) // 2


def test_settlement_data_file_passes_the_loader_checks() -> None:
    data = settlement_taxonomy_data()
    assert data.name == SETTLEMENT_TAXONOMY_NAME
    seen: set[str] = set()
    for term in data.terms:  # parents come before their children
        assert term.parent is None or term.parent in seen
        seen.add(term.code)


# --- Loading the settlement taxonomy -----------------------------------------------------------------


@pytest.mark.django_db
def test_load_creates_terms_with_translations_parents_and_stable_ids() -> None:
    file_terms = _file_terms()
    out = io.StringIO()
    call_command("load_taxonomy", stdout=out)

    taxonomy = Taxonomy.objects.get()
    assert (taxonomy.pk, taxonomy.name, taxonomy.version) == (SETTLEMENT_TAXONOMY_ID, SETTLEMENT_TAXONOMY_NAME, "1.0")
    assert f"{len(file_terms)} terms created" in out.getvalue()
    assert TaxonomyTerm.objects.filter(taxonomy_detail=taxonomy).count() == len(file_terms)
    assert TranslationModel.objects.count() == len(file_terms) * len(INTERFACE_LANGUAGE_CODES)
    for item in file_terms:
        term = TaxonomyTerm.objects.get(code=item["code"])
        assert term.pk == uuid.uuid5(TAXONOMY_NAMESPACE, f"settlement:{item['code']}")
        assert (term.parent.code if term.parent else None) == item["parent"]
        assert term.taxonomy == SETTLEMENT_TAXONOMY_NAME
        for language in ("en", "pa", "zh-hant", "ar"):
            assert term.safe_translation_getter("name", language_code=language) == item["name"][language]
    linc = _settlement("LANG-LINC")
    assert _parent_code(linc) == "LANG"
    linc.set_current_language("uk")
    assert linc.name == "Курси англійської мови LINC"


@pytest.mark.django_db
def test_loading_twice_changes_nothing() -> None:
    first = taxonomy_load_settlement()
    before = _counts()
    second = taxonomy_load_settlement()
    assert _counts() == before
    assert first.terms_created == before["terms"] and first.translations_written == before["translations"]
    # Every row written has its change history.
    assert before["term history"] == before["terms"] and before["translation history"] == before["translations"]
    assert (second.terms_created, second.terms_updated, second.translations_written) == (0, 0, 0)
    assert second.terms_unchanged == before["terms"]
    assert not second.taxonomy_created and not second.taxonomy_updated


@pytest.mark.django_db
def test_changed_name_updates_one_translation(tmp_path: Path) -> None:
    taxonomy_load_settlement()
    document = json.loads(SETTLEMENT_TAXONOMY_PATH.read_text(encoding="utf-8"))
    term = next(item for item in document["terms"] if item["code"] == "FOOD-BANK")
    term["name"]["fr"] = "Banques alimentaires et paniers"
    changed = tmp_path / "taxonomy.json"
    changed.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    before = _counts()

    result = taxonomy_load_settlement(path=changed)

    assert (result.terms_created, result.terms_updated, result.translations_written) == (0, 1, 1)
    after = _counts()
    assert after["translation history"] == before["translation history"] + 1
    assert after["terms"] == before["terms"] and after["term history"] == before["term history"]
    food_bank = _settlement("FOOD-BANK")
    assert food_bank.safe_translation_getter("name", language_code="fr") == "Banques alimentaires et paniers"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda terms: terms.append({"code": "FOOD-X", "parent": "NOPE", "name": {"en": "X"}}), "FOOD-X"),
        (lambda terms: terms.append(dict(terms[0])), "code used twice"),
        (lambda terms: terms[1]["name"].update({"pa": "  "}), "in pa is empty"),
        (lambda terms: terms[1]["name"].update({"xx": "Xx"}), "language xx"),
    ],
)
def test_bad_settlement_file_is_refused_and_changes_nothing(tmp_path: Path, change, message: str) -> None:
    document = json.loads(SETTLEMENT_TAXONOMY_PATH.read_text(encoding="utf-8"))
    change(document["terms"])
    bad = tmp_path / "taxonomy.json"
    bad.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("load_taxonomy", path=bad)
    assert _counts() == dict.fromkeys(_counts(), 0)


# --- Open Eligibility: a small inline sample ------------------------------------------------------------

SAMPLE = """<?xml version="1.0" encoding="UTF-8"?>
<taxonomy>
  <version>2.0</version>
  <services>
    <descriptions>
      <category id="1102" title="food">Services for free meals and food pantries.</category>
    </descriptions>
    <top_level id="1102" title="Food">
      <second_level id="1130" title="Food Pantry"></second_level>
      <second_level id="1129" title="Food Delivery">
        <third_level id="9001" title="Grocery  Runs"></third_level>
      </second_level>
    </top_level>
    <top_level id="1108" title="Care">
      <second_level id="1276" title="Animal Welfare"></second_level>
      <third_level id="1306" title="Home Visiting"></third_level>
      <second_level id="1276" title="Pet Food"></second_level>
    </top_level>
  </services>
  <situations>
    <top_level id="20066" title="Language">
      <second_level id="20067" title="Limited English"></second_level>
    </top_level>
  </situations>
</taxonomy>
"""


def _sample(tmp_path: Path, text: str = SAMPLE) -> Path:
    path = tmp_path / "taxonomy.xml"
    path.write_text(text, encoding="utf-8")
    return path


def _oe(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(taxonomy_detail_id=OPEN_ELIGIBILITY_TAXONOMY_ID, code=code)


def _codes(terms: list[TaxonomyTerm]) -> list[str]:
    return [term.code for term in terms]


@pytest.mark.django_db
def test_open_eligibility_sample_import(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_open_eligibility", str(_sample(tmp_path)), stdout=out, stderr=err)

    taxonomy = Taxonomy.objects.get(pk=OPEN_ELIGIBILITY_TAXONOMY_ID)
    assert (taxonomy.name, taxonomy.version) == (OPEN_ELIGIBILITY_TAXONOMY_NAME, "2.0")
    terms = TaxonomyTerm.objects.filter(taxonomy_detail=taxonomy)
    assert sorted(terms.values_list("code", flat=True)) == sorted(
        ["1102", "1130", "1129", "9001", "1108", "1276", "1306", "1276-pet-food", "20066", "20067"]
    )
    # The hierarchy follows the nesting, even where the tag names another level.
    assert _parent_code(_oe("9001")) == "1129" and _parent_code(_oe("1129")) == "1102"
    assert _parent_code(_oe("1306")) == "1108"
    assert _oe("1130").pk == uuid.uuid5(TAXONOMY_NAMESPACE, "open-eligibility:1130")
    assert _oe("9001").safe_translation_getter("name", language_code="en") == "Grocery Runs"
    assert _oe("1102").safe_translation_getter("description", language_code="en").startswith("Services for free")
    warnings = err.getvalue()
    assert "id 1276 is used again" in warnings and "1276-pet-food" in warnings
    assert "<third_level> sits at level 2" in warnings

    # Mappings are HSDS attributes on the OE term, pointing at settlement terms.
    pantry = Attribute.objects.get(link_id=_oe("1130").pk)
    assert (pantry.link_entity, pantry.link_type, pantry.taxonomy_term.code) == ("taxonomy_term", MAPS_TO, "FOOD-BANK")
    assert _codes(settlement_terms_for(term=_oe("1130"))) == ["FOOD-BANK"]
    assert _codes(settlement_terms_for(term=_oe("9001"))) == ["FOOD"]  # through 1102 Food
    assert _codes(settlement_terms_for(term=_oe("20067"))) == ["INTERP", "LANG"]
    assert settlement_terms_for(term=_oe("1306")) == []
    assert settlement_terms_for(term=_oe("1276")) == []
    assert settlement_terms_for(term=_oe("1108")) == []
    lang = _settlement("LANG")
    assert settlement_terms_for(term=lang) == [lang]

    # 1102, 1130, 20067 directly; 1129, 9001 through 1102; 1108, 1276, 1306, 1276-pet-food, 20066 unmapped.
    assert "5 of 10 terms map to settlement terms (50.0%): 3 directly, 2 through an ancestor" in out.getvalue()


@pytest.mark.django_db
def test_open_eligibility_sample_import_is_idempotent(tmp_path: Path) -> None:
    path = _sample(tmp_path)
    first = taxonomy_import_open_eligibility(path=path)
    before = _counts()
    second = taxonomy_import_open_eligibility(path=path)
    assert _counts() == before
    assert first.mappings_created == before["attributes"] == 4  # 20067 maps to two terms
    assert (second.load.terms_created, second.load.terms_updated, second.mappings_created) == (0, 0, 0)
    assert (second.mappings_unchanged, second.mappings_removed) == (4, 0)


@pytest.mark.django_db
def test_changed_mapping_replaces_stale_attributes(tmp_path: Path) -> None:
    path = _sample(tmp_path)
    taxonomy_import_open_eligibility(path=path)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"by_id": {"1108": "HEALTH"}, "by_name": {"food pantry": ["FOOD-MEALS"]}}))

    result = taxonomy_import_open_eligibility(path=path, mapping_path=mapping)

    assert (result.mappings_created, result.mappings_removed, result.mappings_unchanged) == (2, 4, 0)
    assert _codes(settlement_terms_for(term=_oe("1130"))) == ["FOOD-MEALS"]
    assert _codes(settlement_terms_for(term=_oe("1306"))) == ["HEALTH"]
    assert settlement_terms_for(term=_oe("9001")) == []
    assert "mapping by_id" not in " ".join(result.warnings)


BAD_FILES = {
    "malformed": ("<taxonomy><services><top_level id='1' title='A'></services></taxonomy>", r"not well-formed.*line 1"),
    "wrong root": ("<?xml version='1.0'?>\n<html><body/></html>", r"root element is <html> \(line 2\)"),
    "no terms": ("<taxonomy><version>1</version><services/></taxonomy>", r"no <top_level> terms"),
    "missing id": (
        "<taxonomy>\n<services>\n<top_level title='Food'/>\n</services>\n</taxonomy>",
        r"line 3: <top_level> has no id",
    ),
    "level outside a section": (
        "<taxonomy>\n<top_level id='1' title='A'/>\n</taxonomy>",
        r"line 2: <top_level> is inside",
    ),
    "entities": (
        '<!DOCTYPE taxonomy [<!ENTITY a "aaaa">]><taxonomy><services>'
        "<top_level id='1' title='&a;'/></services></taxonomy>",
        r"refused for safety",
    ),
    "empty": ("", r"not well-formed"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_open_eligibility_file_is_refused_and_changes_nothing(tmp_path: Path, case: str) -> None:
    taxonomy_load_settlement()
    before = _counts()
    text, message = BAD_FILES[case]
    with pytest.raises(CommandError, match=message):
        call_command("import_open_eligibility", str(_sample(tmp_path, text)))
    assert _counts() == before


@pytest.mark.django_db
def test_missing_file_and_bad_mapping_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_open_eligibility", str(tmp_path / "absent.xml"))
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"by_id": {"1130": "FOOD-NOPE"}}))
    with pytest.raises(CommandError, match="by_id 1130: FOOD-NOPE not in the settlement taxonomy"):
        call_command("import_open_eligibility", str(_sample(tmp_path)), mapping=str(mapping))
    assert _counts() == dict.fromkeys(_counts(), 0)


def test_bundled_mapping_names_only_settlement_codes() -> None:
    codes = {term["code"] for term in _file_terms()}
    mapping = json.loads(OPEN_ELIGIBILITY_MAPPING_PATH.read_text(encoding="utf-8"))
    for table in ("by_id", "by_name"):
        for key, value in mapping[table].items():
            for code in [value] if isinstance(value, str) else value:
                assert code in codes, f"{table} {key}: {code}"


# --- Open Eligibility: the published file -------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.django_db
def test_open_eligibility_reference_file(shared_dir: Path) -> None:
    path = shared_dir / "taxonomy" / "open-eligibility" / "taxonomy.xml"
    if not path.is_file():
        pytest.skip(f"{path} not found; skipped")
    first = taxonomy_import_open_eligibility(path=path)
    terms = TaxonomyTerm.objects.filter(taxonomy_detail_id=OPEN_ELIGIBILITY_TAXONOMY_ID)
    assert first.load.terms_created == terms.count() == 385
    assert terms.filter(parent=None).count() == 33  # 11 service and 22 situation categories
    assert _parent_code(_oe("1130")) == "1102"  # Food Pantry under Food
    assert _parent_code(_oe("1170")) == "1104"  # the <third_level> placed right inside Goods
    assert _parent_code(_oe("1206-primary-care")) == "1206"
    assert _oe("1357").safe_translation_getter("name", language_code="en") == "Help Find Work"

    # The reported coverage is what the reads find in the database, term by term.
    mapped = sum(bool(settlement_terms_for(term=term)) for term in terms.select_related("parent"))
    assert mapped == first.coverage.mapped
    assert first.coverage.share >= 0.8
    assert first.coverage_by_section["services"].share >= 0.9
    assert _codes(settlement_terms_for(term=_oe("1270"))) == ["MONEY-TAX"]
    assert _codes(settlement_terms_for(term=_oe("1348"))) == ["LANG-ASSESS"]  # ESL under Screening & Exams
    assert _codes(settlement_terms_for(term=_oe("1326"))) == ["LANG-ESL"]

    before = _counts()
    second = taxonomy_import_open_eligibility(path=path)
    assert _counts() == before
    assert (second.load.terms_created, second.load.terms_updated, second.mappings_created) == (0, 0, 0)
