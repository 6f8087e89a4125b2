"""The demo's source text: data/catalogue.json (English) and data/translations/<lang>.json.

Read and checked here, so that a typo in the data names the file and key instead of
failing halfway through a load.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from newstart.directory.demo.areas import LOCAL_AREAS_BY_SLUG

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOGUE_PATH = DATA_DIR / "catalogue.json"
TRANSLATIONS_DIR = DATA_DIR / "translations"

SERVICE_TEXT_FIELDS: tuple[str, ...] = (
    "name",
    "description",
    "eligibility_description",
    "application_process",
    "fees_description",
)
ORGANIZATION_TEXT_FIELDS: tuple[str, ...] = ("name", "description")

# English names for the ISO 639 codes the demo's services are offered in.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "fr": "French",
    "pa": "Punjabi",
    "hi": "Hindi",
    "ur": "Urdu",
    "yue": "Cantonese",
    "cmn": "Mandarin",
    "zh": "Chinese",
    "tl": "Tagalog",
    "fa": "Persian (Farsi)",
    "ar": "Arabic",
    "es": "Spanish",
    "ko": "Korean",
    "vi": "Vietnamese",
    "uk": "Ukrainian",
    "so": "Somali",
    "ti": "Tigrinya",
    "ru": "Russian",
    "pt": "Portuguese",
    "ja": "Japanese",
    "de": "German",
}

# Weekly opening-hour patterns a service kind can name in its "schedule" key.
SCHEDULE_PROFILES: frozenset[str] = frozenset(
    {
        "weekday",
        "weekday_evening",
        "weekday_saturday",
        "evening",
        "evening_saturday",
        "afternoon",
        "saturday",
        "pickup",
        "meal",
        "always",
    }
)


class DemoDataError(ValueError):
    """The demo's data files are inconsistent; the message names the file and key."""


@dataclass(frozen=True)
class ServiceKind:
    key: str
    taxonomy: tuple[str, ...]
    texts: dict[str, str]
    free: bool
    cost_amount: Decimal | None
    cost_option: str
    min_age: int | None
    max_age: int | None
    required_documents: tuple[str, ...]
    languages_hint: tuple[str, ...]
    schedule: str


@dataclass(frozen=True)
class DemoOrganization:
    key: str
    texts: dict[str, str]
    kinds: tuple[str, ...]
    languages: tuple[str, ...]
    areas: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    service_kinds: dict[str, ServiceKind]
    organizations: dict[str, DemoOrganization]
    documents: dict[str, str]


@dataclass(frozen=True)
class Translation:
    """One language's demo text; any entry may be missing (the English text is used)."""

    language: str
    service_kinds: dict[str, dict[str, str]] = field(default_factory=dict)
    organizations: dict[str, dict[str, str]] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DemoDataError(f"{path.name}: cannot read demo data ({exc})") from exc
    if not isinstance(data, dict):
        raise DemoDataError(f"{path.name}: expected a JSON object at the top level")
    return data


def _text(source: str, entry: dict[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DemoDataError(f"{source}: '{key}' must be non-empty text")
    return value


def _codes(source: str, entry: dict[str, Any], key: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise DemoDataError(f"{source}: '{key}' must be a list of strings")
    return tuple(value)


def _age(source: str, entry: dict[str, Any], key: str) -> int | None:
    value = entry.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise DemoDataError(f"{source}: '{key}' must be a whole number of years or null")
    return value


def _service_kind(key: str, entry: dict[str, Any]) -> ServiceKind:
    source = f"catalogue.json service_kinds.{key}"
    free = entry.get("free")
    if not isinstance(free, bool):
        raise DemoDataError(f"{source}: 'free' must be true or false")
    cost_amount: Decimal | None = None
    cost_option = "Free"
    if not free:
        amount = entry.get("cost_amount")
        if not isinstance(amount, int | float) or isinstance(amount, bool) or amount <= 0:
            raise DemoDataError(f"{source}: a paid service needs a positive 'cost_amount'")
        cost_amount = Decimal(str(amount))
        cost_option = _text(source, entry, "cost_option")
    schedule = entry.get("schedule", "weekday")
    if schedule not in SCHEDULE_PROFILES:
        raise DemoDataError(f"{source}: unknown 'schedule' {schedule!r}; one of {sorted(SCHEDULE_PROFILES)}")
    taxonomy = _codes(source, entry, "taxonomy")
    if not taxonomy:
        raise DemoDataError(f"{source}: 'taxonomy' needs at least one code")
    languages_hint = _codes(source, entry, "languages_hint")
    for code in languages_hint:
        if code not in LANGUAGE_NAMES:
            raise DemoDataError(f"{source}: unknown language code {code!r} in 'languages_hint'")
    return ServiceKind(
        key=key,
        taxonomy=taxonomy,
        texts={name: _text(source, entry, name) for name in SERVICE_TEXT_FIELDS},
        free=free,
        cost_amount=cost_amount,
        cost_option=cost_option,
        min_age=_age(source, entry, "min_age"),
        max_age=_age(source, entry, "max_age"),
        required_documents=_codes(source, entry, "required_documents"),
        languages_hint=languages_hint,
        schedule=schedule,
    )


def _organization(key: str, entry: dict[str, Any]) -> DemoOrganization:
    source = f"catalogue.json organizations.{key}"
    languages = _codes(source, entry, "languages")
    for code in languages:
        if code not in LANGUAGE_NAMES:
            raise DemoDataError(f"{source}: unknown language code {code!r} in 'languages'")
    areas = _codes(source, entry, "areas")
    if not areas:
        raise DemoDataError(f"{source}: 'areas' needs at least one local area")
    for slug in areas:
        if slug not in LOCAL_AREAS_BY_SLUG:
            raise DemoDataError(f"{source}: unknown local area {slug!r} in 'areas'")
    kinds = _codes(source, entry, "kinds")
    if not kinds:
        raise DemoDataError(f"{source}: 'kinds' needs at least one service kind")
    return DemoOrganization(
        key=key,
        texts={name: _text(source, entry, name) for name in ORGANIZATION_TEXT_FIELDS},
        kinds=kinds,
        languages=languages or ("en",),
        areas=areas,
    )


def catalogue_read(*, path: Path = CATALOGUE_PATH) -> Catalogue:
    """The English demo catalogue, checked for consistency."""
    data = _read_json(path)
    kinds_data = data.get("service_kinds")
    orgs_data = data.get("organizations")
    docs_data = data.get("documents")
    if not isinstance(kinds_data, dict) or not isinstance(orgs_data, dict) or not isinstance(docs_data, dict):
        raise DemoDataError(f"{path.name}: needs 'service_kinds', 'organizations' and 'documents' objects")
    documents = {key: _text(f"{path.name} documents", docs_data, key) for key in docs_data}
    service_kinds = {key: _service_kind(key, entry) for key, entry in kinds_data.items()}
    for kind in service_kinds.values():
        for document in kind.required_documents:
            if document not in documents:
                raise DemoDataError(
                    f"{path.name} service_kinds.{kind.key}: unknown document {document!r} in 'required_documents'"
                )
    organizations = {key: _organization(key, entry) for key, entry in orgs_data.items()}
    for organization in organizations.values():
        for kind_key in organization.kinds:
            if kind_key not in service_kinds:
                raise DemoDataError(
                    f"{path.name} organizations.{organization.key}: unknown service kind {kind_key!r} in 'kinds'"
                )
    return Catalogue(service_kinds=service_kinds, organizations=organizations, documents=documents)


def _text_table(source: str, value: Any) -> dict[str, dict[str, str]]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(entry, dict) for entry in value.values()):
        raise DemoDataError(f"{source}: expected an object of objects")
    return {
        key: {name: text for name, text in entry.items() if isinstance(text, str) and text.strip()}
        for key, entry in value.items()
    }


def translations_read(*, directory: Path = TRANSLATIONS_DIR) -> list[Translation]:
    """Every translation file present, sorted by language code."""
    if not directory.is_dir():
        return []
    translations = []
    for path in sorted(directory.glob("*.json")):
        data = _read_json(path)
        documents = data.get("documents") or {}
        if not isinstance(documents, dict):
            raise DemoDataError(f"{path.name}: 'documents' must be an object")
        translations.append(
            Translation(
                language=path.stem,
                service_kinds=_text_table(f"{path.name} service_kinds", data.get("service_kinds")),
                organizations=_text_table(f"{path.name} organizations", data.get("organizations")),
                documents={key: text for key, text in documents.items() if isinstance(text, str) and text.strip()},
            )
        )
    return translations
