# ruff: noqa: RUF001  (multilingual text: full-width commas and Cyrillic letters are meant)
"""A synthetic national directory for the search benchmark: deterministic, Canada-sized, fast to write.

`synthetic_plan(services=..., seed=...)` yields the records as plain dataclasses, in batches, from
one seeded random stream: the same size and seed always give the same directory (ids included).
`synthetic_directory_create(...)` writes a plan as plain rows straight to the database driver
(`executemany` on SQLite, `COPY` on PostgreSQL), inside one transaction: the rows bulk_create used to
write, several times faster (100,000 services, about a million rows, in well under a minute). It is
meant for a benchmark database only (a temporary SQLite file or the throwaway PostgreSQL cluster),
never a real one:

* no simple-history rows are written for the synthetic records (no model is saved and no signal is
  sent: the history tables are left empty), and the search index is not updated (the benchmark
  rebuilds it, which is what it measures);
* `Location.has_valid_coordinates` is computed by the writer, as `Location.save()` would;
* the ids of the rows hanging off a service (languages, schedules, ...) come from their own seeded
  stream: the same for a seed too;
* SQLite gets a bigger page cache and PostgreSQL (as superuser) skips foreign-key triggers while
  the directory is written (see `_bulk_load`);
* no addresses, phones or contacts: search neither reads nor filters on them.

Shape (for the default 100,000 services): 10,000 organizations, each based in a Canadian city
chosen by population (Toronto, Montréal, Vancouver, ... Iqaluit), with 150,000 locations scattered
around its city (about 10 % rural, much further out); every service is offered at one or two of its
organization's locations. Texts are English, built from the settlement taxonomy's term names and
the search thesaurus's labels (newstart/search/data/concepts.json) with settlement-service filler
phrases: names 3-8 words, descriptions 40-120, eligibility 10-40. Exactly 10 % of services also
have a translation (French mostly; Chinese, Punjabi, Arabic, Spanish, Persian, Korean, Vietnamese,
Tagalog, Ukrainian), written with the same vocabulary in that language. Each service has 1-3
settlement taxonomy terms (Attribute rows), 1-4 languages, usually a weekly schedule and a cost
option (about 65 % free).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TAXONOMY_PATH = REPO / "newstart" / "directory" / "data" / "settlement_taxonomy.json"
CONCEPTS_PATH = REPO / "newstart" / "search" / "data" / "concepts.json"

DEFAULT_SERVICES = 100_000
DEFAULT_SEED = 2024
BATCH = 2_000
TRANSLATED_SHARE = 0.10
# Canada's bounding box (WGS84), mainland and islands.
CANADA_LAT = (41.68, 83.11)
CANADA_LON = (-141.0, -52.62)
# Every record's last_modified lies before this (not "now": the directory must not depend on the day).
EPOCH = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class City:
    name: str
    province: str
    latitude: float
    longitude: float
    population: int  # thousands, census metropolitan area (2021, rounded)


CITIES: tuple[City, ...] = (
    City("Toronto", "ON", 43.6532, -79.3832, 6202),
    City("Montréal", "QC", 45.5019, -73.5674, 4292),
    City("Vancouver", "BC", 49.2827, -123.1207, 2643),
    City("Ottawa", "ON", 45.4215, -75.6972, 1488),
    City("Calgary", "AB", 51.0447, -114.0719, 1481),
    City("Edmonton", "AB", 53.5461, -113.4938, 1418),
    City("Québec", "QC", 46.8139, -71.2080, 839),
    City("Winnipeg", "MB", 49.8951, -97.1384, 834),
    City("Hamilton", "ON", 43.2557, -79.8711, 785),
    City("Kitchener", "ON", 43.4516, -80.4925, 575),
    City("London", "ON", 42.9849, -81.2453, 543),
    City("Halifax", "NS", 44.6488, -63.5752, 465),
    City("Windsor", "ON", 42.3149, -83.0364, 422),
    City("Oshawa", "ON", 43.8971, -78.8658, 415),
    City("Victoria", "BC", 48.4284, -123.3656, 397),
    City("Saskatoon", "SK", 52.1332, -106.6700, 317),
    City("Regina", "SK", 50.4452, -104.6189, 249),
    City("Sherbrooke", "QC", 45.4042, -71.8929, 227),
    City("Kelowna", "BC", 49.8880, -119.4960, 222),
    City("Barrie", "ON", 44.3894, -79.6903, 212),
    City("St. John's", "NL", 47.5615, -52.7126, 212),
    City("Abbotsford", "BC", 49.0504, -122.3045, 195),
    City("Kingston", "ON", 44.2312, -76.4860, 172),
    City("Sudbury", "ON", 46.4917, -80.9930, 170),
    City("Guelph", "ON", 43.5448, -80.2482, 165),
    City("Trois-Rivières", "QC", 46.3432, -72.5477, 161),
    City("Saguenay", "QC", 48.4284, -71.0537, 161),
    City("Moncton", "NB", 46.0878, -64.7782, 157),
    City("Saint John", "NB", 45.2733, -66.0633, 130),
    City("Lethbridge", "AB", 49.6956, -112.8451, 124),
    City("Thunder Bay", "ON", 48.3809, -89.2477, 123),
    City("Nanaimo", "BC", 49.1659, -123.9401, 115),
    City("Fredericton", "NB", 45.9636, -66.6431, 108),
    City("Red Deer", "AB", 52.2690, -113.8116, 100),
    City("Prince George", "BC", 53.9171, -122.7497, 89),
    City("Charlottetown", "PE", 46.2382, -63.1311, 78),
    City("Brandon", "MB", 49.8485, -99.9501, 54),
    City("Whitehorse", "YT", 60.7212, -135.0568, 28),
    City("Yellowknife", "NT", 62.4540, -114.3718, 20),
    City("Iqaluit", "NU", 63.7467, -68.5170, 8),
)

# Language of the translated 10 %, with weights.
TRANSLATION_LANGUAGES: tuple[tuple[str, int], ...] = (
    ("fr", 55),
    ("zh-hans", 10),
    ("pa", 8),
    ("ar", 7),
    ("es", 7),
    ("fa", 4),
    ("ko", 3),
    ("vi", 2),
    ("tl", 2),
    ("uk", 2),
)
# ISO 639 codes of the Language rows of a translated service (Chinese: Mandarin).
SERVICE_LANGUAGE_OF = {"zh-hans": "cmn"}
# Languages services are delivered in besides English, with weights.
DELIVERY_LANGUAGES: tuple[tuple[str, int], ...] = (
    ("fr", 20),
    ("pa", 9),
    ("yue", 7),
    ("cmn", 9),
    ("ar", 8),
    ("es", 8),
    ("tl", 7),
    ("fa", 6),
    ("ko", 4),
    ("vi", 4),
    ("uk", 5),
    ("hi", 5),
    ("ur", 4),
    ("so", 2),
    ("ti", 2),
    ("ru", 3),
    ("pt", 3),
)
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "French",
    "pa": "Punjabi",
    "yue": "Cantonese",
    "cmn": "Mandarin",
    "ar": "Arabic",
    "es": "Spanish",
    "tl": "Tagalog",
    "fa": "Persian",
    "ko": "Korean",
    "vi": "Vietnamese",
    "uk": "Ukrainian",
    "hi": "Hindi",
    "ur": "Urdu",
    "so": "Somali",
    "ti": "Tigrinya",
    "ru": "Russian",
    "pt": "Portuguese",
}
SCHEDULE_DAYS = (
    "MO,TU,WE,TH,FR",
    "MO,TU,WE,TH,FR",
    "MO,TU,WE,TH,FR",
    "MO,WE,FR",
    "TU,TH",
    "SA,SU",
    "MO,TU,WE,TH,FR,SA",
)

# --- Settlement-service phrases (English) -----------------------------------------------------------

NAME_PREFIXES = (
    "Newcomer",
    "Immigrant",
    "Settlement",
    "Community",
    "Family",
    "Youth",
    "Women's",
    "Multicultural",
    "Neighbourhood",
    "Refugee",
    "Welcome",
    "Bridges",
)
NAME_SUFFIXES = (
    "Program",
    "Services",
    "Centre",
    "Workshop",
    "Drop-in",
    "Clinic",
    "Support",
    "Project",
    "Hub",
    "Circle",
)
ORGANIZATION_WORDS = (
    "Immigrant Services Society",
    "Newcomer Centre",
    "Settlement Association",
    "Multicultural Council",
    "Community Services",
    "Family Place",
    "Immigrant Women's Centre",
    "Refugee Alliance",
    "Neighbourhood House",
    "Welcome Centre",
    "Community Health Centre",
    "Public Library",
    "Career Centre",
    "Legal Clinic",
    "Food Bank",
)
DESCRIPTION_SENTENCES = (
    "We offer {phrase} for newcomers and their families.",
    "Our trained staff help with {phrase} and {other}.",
    "Sessions are held in {city} and online.",
    "Clients get one-on-one support with {phrase} in several languages.",
    "Appointments are available on weekdays; drop-in hours vary by location.",
    "The program also connects participants with {other} in the community.",
    "Interpretation can be arranged at no cost when booking.",
    "Workshops cover {phrase}, {other} and practical next steps.",
    "Staff speak many languages and understand the challenges of settling in {province}.",
    "Childminding is available for parents attending group sessions.",
    "Referrals to {other} are made where needed.",
    "This service is funded by Immigration, Refugees and Citizenship Canada.",
    "Bring your immigration documents and any letters you received to the first meeting.",
    "Group sessions run every month and new participants can join at any time.",
    "Volunteers from the community support {phrase} each week.",
    "Help is confidential and free of judgement.",
)
ELIGIBILITY_SENTENCES = (
    "Permanent residents, protected persons and convention refugees living in {province}.",
    "Open to newcomers aged 18 and over.",
    "Temporary foreign workers and international students may also be eligible.",
    "Refugee claimants are welcome.",
    "Canadian citizens are not eligible for this program.",
    "Families with children under 12.",
    "Youth aged 15 to 30.",
    "Participants need a basic level of English (CLB 3 or higher).",
    "No referral is needed; call to check eligibility.",
    "Seniors aged 55 and over.",
    "Women and gender-diverse newcomers.",
)
# Filler sentences of the translated services, by language (the topic phrase is inserted).
TRANSLATED_SENTENCES: dict[str, tuple[str, ...]] = {
    "fr": (
        "Nous offrons {phrase} aux personnes nouvellement arrivées et à leurs familles.",
        "Notre équipe vous aide avec {phrase} et {other}.",
        "Les séances ont lieu à {city} et en ligne.",
        "Les rendez-vous sont offerts en semaine; l'interprétation est gratuite.",
        "Le programme vous oriente aussi vers {other} dans la communauté.",
        "Aucune recommandation n'est nécessaire.",
    ),
    "es": (
        "Ofrecemos {phrase} para personas recién llegadas y sus familias.",
        "Nuestro personal ayuda con {phrase} y {other}.",
        "Las sesiones son en {city} y en línea.",
        "Las citas son de lunes a viernes; la interpretación es gratuita.",
    ),
    "zh-hans": (
        "我们为新移民及其家人提供{phrase}。",
        "我们的工作人员可以帮助您{phrase}和{other}。",
        "服务地点在{city}，也可以在线参加。",
        "工作日可以预约，免费提供翻译。",
    ),
    "pa": (
        "ਅਸੀਂ ਨਵੇਂ ਆਏ ਲੋਕਾਂ ਅਤੇ ਉਹਨਾਂ ਦੇ ਪਰਿਵਾਰਾਂ ਲਈ {phrase} ਦਿੰਦੇ ਹਾਂ।",
        "ਸਾਡਾ ਸਟਾਫ਼ {phrase} ਅਤੇ {other} ਵਿੱਚ ਮਦਦ ਕਰਦਾ ਹੈ।",
        "ਸੈਸ਼ਨ {city} ਵਿੱਚ ਅਤੇ ਔਨਲਾਈਨ ਹੁੰਦੇ ਹਨ।",
    ),
    "ar": (
        "نقدم {phrase} للقادمين الجدد وعائلاتهم.",
        "يساعدك فريقنا في {phrase} و{other}.",
        "تعقد الجلسات في {city} وعبر الإنترنت.",
        "المواعيد متاحة في أيام الأسبوع والترجمة مجانية.",
    ),
    "fa": (
        "ما {phrase} را برای تازه‌واردان و خانواده‌هایشان ارائه می‌دهیم.",
        "کارکنان ما در {phrase} و {other} کمک می‌کنند.",
        "جلسات در {city} و به صورت آنلاین برگزار می‌شود.",
    ),
    "ko": (
        "신규 이민자와 가족을 위해 {phrase} 서비스를 제공합니다.",
        "직원이 {phrase} 및 {other}을 도와드립니다.",
        "{city}에서 그리고 온라인으로 진행됩니다.",
    ),
    "vi": (
        "Chúng tôi cung cấp {phrase} cho người mới đến và gia đình.",
        "Nhân viên giúp đỡ về {phrase} và {other}.",
        "Các buổi học diễn ra tại {city} và trực tuyến.",
    ),
    "tl": (
        "Nag-aalok kami ng {phrase} para sa mga bagong dating at kanilang pamilya.",
        "Tumutulong ang aming staff sa {phrase} at {other}.",
        "Ang mga sesyon ay sa {city} at online.",
    ),
    "uk": (
        "Ми пропонуємо {phrase} для новоприбулих та їхніх родин.",
        "Наші працівники допомагають з {phrase} та {other}.",
        "Заняття проходять у {city} та онлайн.",
    ),
}


# --- The plan: plain records ----------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationRecord:
    id: uuid.UUID
    name: str
    description: str
    city: str


@dataclass(frozen=True)
class LocationRecord:
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class ServiceText:
    language: str
    name: str
    description: str
    eligibility: str


@dataclass(frozen=True)
class ServiceRecord:
    id: uuid.UUID
    organization_id: uuid.UUID
    texts: tuple[ServiceText, ...]  # English first, then the translation (10 % of services)
    location_ids: tuple[uuid.UUID, ...]
    taxonomy_codes: tuple[str, ...]
    languages: tuple[str, ...]  # ISO 639 codes of the Language rows
    schedule: tuple[str, dt.time, dt.time] | None  # (byday, opens_at, closes_at)
    cost: Decimal | None  # None: no cost option; 0: free
    assured_date: dt.date | None
    last_modified: dt.datetime
    status: str = "active"


@dataclass
class _Vocabulary:
    """Phrases per top-level taxonomy code and language: taxonomy term names and thesaurus labels."""

    codes: list[str]  # every settlement taxonomy code
    children: dict[str, list[str]]  # top-level code -> its descendants' codes
    phrases: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (top code, language) -> phrases
    tops: tuple[str, ...] = ()  # the top-level codes, in `children` order

    def pick(self, rng: random.Random, top: str, language: str) -> str:
        options = self.phrases.get((top, language)) or self.phrases[(top, "en")]
        return rng.choice(options)


def _vocabulary() -> _Vocabulary:
    taxonomy = json.loads(TAXONOMY_PATH.read_text(encoding="utf-8"))
    concepts_data = json.loads(CONCEPTS_PATH.read_text(encoding="utf-8"))
    concepts = concepts_data["concepts"] if isinstance(concepts_data, dict) else concepts_data
    codes = [term["code"] for term in taxonomy["terms"]]
    tops = [code for code in codes if "-" not in code]
    vocabulary = _Vocabulary(codes=codes, children={top: [c for c in codes if c.startswith(top + "-")] for top in tops})
    phrases: dict[tuple[str, str], set[str]] = {}
    for term in taxonomy["terms"]:
        top = term["code"].split("-")[0]
        for language, name in term["name"].items():
            phrases.setdefault((top, language), set()).add(name.strip())
    for concept in concepts:
        for code in concept.get("taxonomy", []):
            top = code.split("-")[0]
            if top not in vocabulary.children:
                continue
            for language, labels in concept["labels"].items():
                # The first labels are the usual wording; later ones include deliberate misspellings.
                phrases.setdefault((top, language), set()).update(label.strip() for label in labels[:4])
    vocabulary.phrases = {key: sorted(values) for key, values in phrases.items()}
    vocabulary.tops = tuple(vocabulary.children)
    return vocabulary


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _within_canada(latitude: float, longitude: float) -> tuple[float, float]:
    return (
        round(min(max(latitude, CANADA_LAT[0]), CANADA_LAT[1]), 6),
        round(min(max(longitude, CANADA_LON[0]), CANADA_LON[1]), 6),
    )


def _scatter(rng: random.Random, city: City, *, rural: bool) -> tuple[float, float]:
    """A point around the city: a gaussian whose spread grows with the city's size; rural points much further."""
    sigma_km = 80.0 if rural else 4.0 + math.sqrt(city.population) / 4
    north_km, east_km = rng.gauss(0.0, sigma_km), rng.gauss(0.0, sigma_km)
    latitude = city.latitude + north_km / 111.2
    longitude = city.longitude + east_km / (111.2 * math.cos(math.radians(city.latitude)))
    return _within_canada(latitude, longitude)


def _words_to(text: str, minimum: int, maximum: int, rng: random.Random, extend: Any) -> str:
    """Grow `text` with extend() until it has a random length in [minimum, maximum] words, then cut there."""
    target = rng.randint(minimum, maximum)
    words = text.split()
    while len(words) < target:
        words.extend(extend().split())
    words = words[:target]
    result = " ".join(words)
    return result if result.endswith((".", "。", "।")) else result.rstrip(",;") + "."


def _fill(template: str, rng: random.Random, vocabulary: _Vocabulary, top: str, city: City, language: str) -> str:
    other_top = rng.choice(vocabulary.tops)
    phrase = vocabulary.pick(rng, top, language)
    other = vocabulary.pick(rng, other_top, language)
    if language == "en":
        phrase, other = phrase.lower(), other.lower()
    return template.format(phrase=phrase, other=other, city=city.name, province=city.province)


_DANGLING = {"in", "for", "and", "of", "the", "a", "to", "with", "&", "-", "—"}


def _english_text(rng: random.Random, vocabulary: _Vocabulary, top: str, city: City) -> ServiceText:
    def name_words() -> str:
        return " ".join([rng.choice(NAME_PREFIXES), vocabulary.pick(rng, top, "en").title(), rng.choice(NAME_SUFFIXES)])

    target = rng.randint(3, 8)
    words = name_words().split()
    if rng.random() < 0.4:
        words += ["in", city.name]
    while len(words) < target:
        words += vocabulary.pick(rng, rng.choice(vocabulary.tops), "en").title().split()
    words = words[:target]
    while len(words) > 3 and words[-1].lower() in _DANGLING:
        words.pop()
    name = " ".join(words).rstrip(",;(")
    description = _words_to(
        "",
        40,
        120,
        rng,
        lambda: _fill(rng.choice(DESCRIPTION_SENTENCES), rng, vocabulary, top, city, "en"),
    )
    eligibility = _words_to(
        "", 10, 40, rng, lambda: rng.choice(ELIGIBILITY_SENTENCES).format(province=city.province, city=city.name)
    )
    return ServiceText("en", name, description, eligibility)


def _translated_text(
    rng: random.Random, vocabulary: _Vocabulary, top: str, city: City, language: str, english: ServiceText
) -> ServiceText:
    sentences = TRANSLATED_SENTENCES[language]
    name = vocabulary.pick(rng, top, language)
    if rng.random() < 0.7:
        name = f"{name} — {city.name}"
    spaced = language not in ("zh-hans",)
    parts: list[str] = []
    target = rng.randint(40, 120) if spaced else rng.randint(80, 240)  # Chinese: characters, not words
    while (len(" ".join(parts).split()) if spaced else len("".join(parts))) < target:
        parts.append(_fill(rng.choice(sentences), rng, vocabulary, top, city, language))
    description = (" " if spaced else "").join(parts)
    # Eligibility is rarely translated: keep the English text.
    return ServiceText(language, name, description, english.eligibility)


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([value for value, _weight in options], weights=[weight for _value, weight in options])[0]


def plan_sizes(services: int) -> tuple[int, int]:
    """(organizations, locations) for `services`: one organization per 10 services, 1.5 locations per service."""
    return max(1, services // 10), max(1, services * 3 // 2)


def synthetic_plan(
    *, services: int = DEFAULT_SERVICES, seed: int = DEFAULT_SEED, batch: int = BATCH
) -> Iterator[tuple[list[OrganizationRecord], list[LocationRecord], list[ServiceRecord]]]:
    """The directory as batches of (organizations, locations, services): all organizations and locations
    come in the first batches, services follow. Deterministic for (services, seed)."""
    if services < 1:
        raise ValueError("services must be at least 1")
    rng = random.Random(seed)
    vocabulary = _vocabulary()
    n_organizations, n_locations = plan_sizes(services)
    city_weights = [city.population for city in CITIES]

    organizations: list[OrganizationRecord] = []
    home: list[City] = []
    for index in range(n_organizations):
        city = rng.choices(CITIES, weights=city_weights)[0]
        home.append(city)
        top = rng.choice(vocabulary.tops)
        organizations.append(
            OrganizationRecord(
                id=_uuid(rng),
                name=f"{city.name} {rng.choice(ORGANIZATION_WORDS)} {index + 1}",
                description=_fill(rng.choice(DESCRIPTION_SENTENCES), rng, vocabulary, top, city, "en"),
                city=city.name,
            )
        )
    # Organization sizes are skewed: a few large agencies, many small ones.
    org_weights = [1.0 / (1 + rank) ** 0.6 for rank in range(n_organizations)]
    rng.shuffle(org_weights)
    location_owner = list(range(n_organizations)) + rng.choices(
        range(n_organizations), weights=org_weights, k=max(0, n_locations - n_organizations)
    )
    locations_of: list[list[uuid.UUID]] = [[] for _ in range(n_organizations)]
    locations: list[LocationRecord] = []
    for index, owner in enumerate(location_owner[:n_locations]):
        latitude, longitude = _scatter(rng, home[owner], rural=rng.random() < 0.1)
        record = LocationRecord(
            id=_uuid(rng),
            organization_id=organizations[owner].id,
            name=f"{home[owner].name} site {index + 1}",
            latitude=latitude,
            longitude=longitude,
        )
        locations.append(record)
        locations_of[owner].append(record.id)
    for start in range(0, max(len(organizations), len(locations)), batch * 5):
        yield organizations[start : start + batch * 5], locations[start : start + batch * 5], []
    del locations

    translated = set(rng.sample(range(services), round(services * TRANSLATED_SHARE)))
    service_owner = rng.choices(range(n_organizations), weights=org_weights, k=services)
    tops = vocabulary.tops
    pending: list[ServiceRecord] = []
    for index in range(services):
        owner = service_owner[index]
        city = home[owner]
        top = rng.choice(tops)
        codes = [rng.choice(vocabulary.children[top] or [top])]
        if rng.random() < 0.35:
            second = rng.choice(tops)
            codes.append(rng.choice(vocabulary.children[second] or [second]))
        if rng.random() < 0.15:
            codes.append(top)
        english = _english_text(rng, vocabulary, top, city)
        texts = [english]
        languages = {"en"}
        if index in translated:
            language = _weighted(rng, TRANSLATION_LANGUAGES)
            texts.append(_translated_text(rng, vocabulary, top, city, language, english))
            languages.add(SERVICE_LANGUAGE_OF.get(language, language))
        for _extra in range(rng.choice((0, 0, 1, 1, 2, 3))):
            languages.add(_weighted(rng, DELIVERY_LANGUAGES))
        own = locations_of[owner]
        sites = tuple(rng.sample(own, min(len(own), 1 if rng.random() < 0.5 else 2)))
        schedule = None
        if rng.random() < 0.85:
            opens = dt.time(rng.choice((8, 9, 9, 10, 12)), rng.choice((0, 30)))
            closes = dt.time(rng.choice((16, 17, 17, 18, 20, 21)), 0)
            schedule = (rng.choice(SCHEDULE_DAYS), opens, closes)
        roll = rng.random()
        cost = None if roll < 0.08 else Decimal(0) if roll < 0.73 else Decimal(rng.choice((10, 25, 40, 75, 150)))
        assured = (EPOCH - dt.timedelta(days=rng.randint(0, 900))).date() if rng.random() < 0.9 else None
        pending.append(
            ServiceRecord(
                id=_uuid(rng),
                organization_id=organizations[owner].id,
                texts=tuple(texts),
                location_ids=sites,
                taxonomy_codes=tuple(dict.fromkeys(codes)),
                languages=tuple(sorted(languages)),
                schedule=schedule,
                cost=cost,
                assured_date=assured,
                last_modified=EPOCH - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 900)),
                status="active" if rng.random() < 0.96 else rng.choice(("inactive", "temporarily closed")),
            )
        )
        if len(pending) >= batch:
            yield [], [], pending
            pending = []
    if pending:
        yield [], [], pending


# --- Writing ---------------------------------------------------------------------------------------
#
# Rows are written as plain tuples, straight to the database driver: `executemany` on SQLite and
# `COPY ... FROM STDIN` on PostgreSQL (bulk_create spent most of its time building model instances
# and SQL, not in the database). The columns the generator does not give are written with their
# field's default, converted by Django once per table; values are converted the way Django converts
# them (`connection.ops.adapt_*`; UUIDs as 32 hex digits, which both backends accept for their UUID
# columns), so the tables hold what bulk_create wrote.


@dataclass
class CreateResult:
    organizations: int = 0
    locations: int = 0
    services: int = 0
    translations: int = 0
    service_at_locations: int = 0
    attributes: int = 0
    languages: int = 0
    schedules: int = 0
    cost_options: int = 0

    @property
    def rows(self) -> int:
        return sum(vars(self).values())


Row = tuple[Any, ...]


@dataclass(frozen=True)
class _Table:
    """Where rows go: the columns the generator gives, then every other column at its constant default."""

    name: str
    columns: tuple[str, ...]
    constants: Row  # appended to every given row


def _table(model: Any, given: tuple[str, ...], connection: Any) -> _Table:
    from django.db.models.fields import AutoFieldMixin

    fields = {model_field.column: model_field for model_field in model._meta.concrete_fields}
    unknown = [column for column in given if column not in fields]
    if unknown:
        raise ValueError(f"{model._meta.db_table} has no column(s) {', '.join(unknown)}")
    rest: list[str] = []
    constants: list[Any] = []
    for column, model_field in fields.items():
        if column in given or isinstance(model_field, AutoFieldMixin):  # auto ids are the database's to give
            continue
        if model_field.has_default() and callable(model_field.default):
            # A per-row default (uuid4, now, ...) cannot be a constant: the generator must give the value.
            raise ValueError(
                f"{model._meta.db_table}.{column} has a per-row default; give it a value in bench/synthetic.py"
            )
        rest.append(column)
        constants.append(model_field.get_db_prep_save(model_field.get_default(), connection))
    return _Table(model._meta.db_table, (*given, *rest), tuple(constants))


def _writer(connection: Any) -> Any:
    """write(table, rows) for the connection's database: COPY on PostgreSQL, executemany elsewhere."""
    quote = connection.ops.quote_name

    def column_list(table: _Table) -> str:
        return ", ".join(quote(column) for column in table.columns)

    if connection.vendor == "postgresql":

        def copy(table: _Table, rows: list[Row]) -> None:
            if not rows:
                return
            constants = table.constants
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {quote(table.name)} ({column_list(table)}) FROM STDIN") as stream,
            ):
                write_row = stream.write_row
                for row in rows:
                    write_row(row + constants)

        return copy

    def insert(table: _Table, rows: list[Row]) -> None:
        if not rows:
            return
        constants = table.constants
        placeholders = ", ".join(["%s"] * len(table.columns))
        # Table and column names come from the models (quoted); the values are parameters.
        sql = f"INSERT INTO {quote(table.name)} ({column_list(table)}) VALUES ({placeholders})"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(sql, [row + constants for row in rows])

    return insert


def _row_ids(seed: int) -> Any:
    """Ids of the rows that hang off a service (its languages, schedules, ...): version-4 UUIDs as hex,
    from their own seeded stream, so that the plan's stream (and so the directory) stays the same."""
    bits = random.Random(f"synthetic rows {seed}").getrandbits
    clear = ~((0xF000 << 64) | (0xC000 << 48))
    mark = (0x4000 << 64) | (0x8000 << 48)  # version 4, RFC 4122 variant (as uuid.UUID(version=4) sets them)

    def row_id() -> str:
        return f"{bits(128) & clear | mark:032x}"

    return row_id


def synthetic_directory_create(
    *, services: int = DEFAULT_SERVICES, seed: int = DEFAULT_SEED, progress: bool = False
) -> CreateResult:
    """Write the synthetic directory into the current (benchmark) database; needs the settlement taxonomy
    loaded (taxonomy_load_settlement). One transaction; rows go straight to the driver: no history, no
    search indexing, no signals."""
    from django.db import connection, transaction
    from tqdm import tqdm

    from newstart.directory.models import (
        Attribute,
        CostOption,
        Language,
        Location,
        Organization,
        Schedule,
        Service,
        ServiceAtLocation,
        TaxonomyTerm,
    )
    from newstart.directory.models.location import coordinates_are_valid

    term_ids = {
        code: term_id.hex
        for code, term_id in (
            dict(TaxonomyTerm.objects.filter(taxonomy="newstart settlement taxonomy").values_list("code", "id"))
            or dict(TaxonomyTerm.objects.values_list("code", "id"))
        ).items()
    }
    service_translation: Any = Service._parler_meta.root_model  # type: ignore[attr-defined]
    organization_translation: Any = Organization._parler_meta.root_model  # type: ignore[attr-defined]
    tables = {
        "organization": _table(Organization, ("id", "source_language", "is_demo"), connection),
        "organization_translation": _table(
            organization_translation, ("master_id", "language_code", "name", "description"), connection
        ),
        "location": _table(
            Location,
            ("id", "organization_id", "name", "latitude", "longitude", "has_valid_coordinates"),
            connection,
        ),
        "service": _table(
            Service,
            ("id", "organization_id", "source_language", "status", "assured_date", "last_modified", "is_demo"),
            connection,
        ),
        "service_translation": _table(
            service_translation,
            ("master_id", "language_code", "name", "description", "eligibility_description"),
            connection,
        ),
        "service_at_location": _table(ServiceAtLocation, ("id", "service_id", "location_id"), connection),
        "attribute": _table(Attribute, ("id", "link_entity", "link_id", "taxonomy_term_id"), connection),
        "language": _table(Language, ("id", "service_id", "code", "name"), connection),
        "schedule": _table(Schedule, ("id", "service_id", "freq", "byday", "opens_at", "closes_at"), connection),
        "cost_option": _table(CostOption, ("id", "service_id", "option", "amount", "currency"), connection),
    }
    write = _writer(connection)
    row_id = _row_ids(seed)
    n_organizations, n_locations = plan_sizes(services)
    result = CreateResult()
    with (
        transaction.atomic(),
        _bulk_load(connection),
        tqdm(total=n_organizations + n_locations + services, disable=not progress, unit="row", desc="synthetic") as bar,
    ):
        for organizations, locations, service_records in synthetic_plan(services=services, seed=seed):
            write(tables["organization"], [(org.id.hex, "en", False) for org in organizations])
            write(
                tables["organization_translation"],
                [(org.id.hex, "en", org.name, org.description) for org in organizations],
            )
            write(
                tables["location"],
                [
                    (
                        loc.id.hex,
                        loc.organization_id.hex,
                        loc.name,
                        loc.latitude,
                        loc.longitude,
                        coordinates_are_valid(loc.latitude, loc.longitude),
                    )
                    for loc in locations
                ],
            )
            result.organizations += len(organizations)
            result.locations += len(locations)
            if service_records:
                _write_services(
                    service_records,
                    write=write,
                    tables=tables,
                    term_ids=term_ids,
                    row_id=row_id,
                    ops=connection.ops,
                    result=result,
                )
            bar.update(len(organizations) + len(locations) + len(service_records))
    return result


@contextlib.contextmanager
def _bulk_load(connection: Any) -> Iterator[None]:
    """Database settings for the duration of the load (inside its transaction), for the throwaway
    benchmark database this is meant for, put back afterwards.

    SQLite: a bigger page cache (256 MiB; the indexes are on random UUIDs, so inserts touch pages all
    over them): half the write time at 100,000 services, for a larger peak memory of the generating process.
    PostgreSQL, when the user may (a superuser, as in the throwaway cluster): no foreign-key triggers
    (`session_replication_role = replica`). Django's foreign keys are deferred, so each of the million
    rows would otherwise be checked at commit, a third of the whole load's time. The rows are valid by
    construction, and SQLite, which runs the same plan, still checks every foreign key at commit.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            cache_size = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA cache_size = -262144")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {cache_size}")
        return
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = bool(cursor.fetchone()[0])
        cursor.execute("SHOW session_replication_role")
        role = cursor.fetchone()[0]
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    # Not reached when the load fails: the rollback undoes SET LOCAL.
    if superuser:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('session_replication_role', %s, true)", [role])


def _write_services(
    records: list[ServiceRecord],
    *,
    write: Any,
    tables: dict[str, _Table],
    term_ids: dict[str, str],
    row_id: Any,
    ops: Any,
    result: CreateResult,
) -> None:
    adapt_date, adapt_datetime = ops.adapt_datefield_value, ops.adapt_datetimefield_value
    adapt_time, adapt_decimal = ops.adapt_timefield_value, ops.adapt_decimalfield_value
    services: list[Row] = []
    translations: list[Row] = []
    sals: list[Row] = []
    attributes: list[Row] = []
    languages: list[Row] = []
    schedules: list[Row] = []
    costs: list[Row] = []
    for record in records:
        service_id = record.id.hex
        services.append(
            (
                service_id,
                record.organization_id.hex,
                "en",
                record.status,
                adapt_date(record.assured_date),
                adapt_datetime(record.last_modified),
                False,
            )
        )
        for text in record.texts:
            translations.append((service_id, text.language, text.name, text.description, text.eligibility))
        for location_id in record.location_ids:
            sals.append((row_id(), service_id, location_id.hex))
        for code in record.taxonomy_codes:
            if code in term_ids:
                attributes.append((row_id(), "service", service_id, term_ids[code]))
        for code in record.languages:
            languages.append((row_id(), service_id, code, LANGUAGE_NAMES.get(code, code)))
        if record.schedule is not None:
            byday, opens_at, closes_at = record.schedule
            schedules.append((row_id(), service_id, "WEEKLY", byday, adapt_time(opens_at), adapt_time(closes_at)))
        if record.cost is not None:
            costs.append(
                (
                    row_id(),
                    service_id,
                    "Free" if record.cost == 0 else "Fee",
                    adapt_decimal(record.cost, 14, 4),
                    "CAD",
                )
            )
    # Per table, the same order as the records (and so the same row order as before).
    write(tables["service"], services)
    write(tables["service_translation"], translations)
    write(tables["service_at_location"], sals)
    write(tables["attribute"], attributes)
    write(tables["language"], languages)
    write(tables["schedule"], schedules)
    write(tables["cost_option"], costs)
    result.services += len(services)
    result.translations += len(translations)
    result.service_at_locations += len(sals)
    result.attributes += len(attributes)
    result.languages += len(languages)
    result.schedules += len(schedules)
    result.cost_options += len(costs)
