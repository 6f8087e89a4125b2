"""The directory's taxonomies: its own settlement taxonomy and the Open Eligibility taxonomy.

The newstart settlement taxonomy (``data/settlement_taxonomy.json``) names every term in all twelve
interface languages. The Open Eligibility taxonomy is imported from its XML and mapped onto the
settlement taxonomy with ``data/open_eligibility_mapping.json``; each mapping is an HSDS attribute
(link_entity "taxonomy_term", link_type "maps_to"), so it travels with an HSDS export.

Writes (``taxonomy_load_settlement``, ``taxonomy_import_open_eligibility``) are atomic and idempotent:
new records get uuid5 ids derived from their codes, so every install has the same ids, and a record is
saved only when something in it changed, so running a load twice adds no change history.
Reads: ``settlement_taxonomy_get``, ``settlement_term_get``, ``settlement_terms_for``.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl, Locator

import defusedxml.sax
from defusedxml import DefusedXmlException
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from newstart.common.languages import INTERFACE_LANGUAGE_CODES
from newstart.directory.models import Attribute, Taxonomy, TaxonomyTerm

DATA_DIR = Path(__file__).resolve().parent / "data"
SETTLEMENT_TAXONOMY_PATH = DATA_DIR / "settlement_taxonomy.json"
OPEN_ELIGIBILITY_MAPPING_PATH = DATA_DIR / "open_eligibility_mapping.json"

SETTLEMENT_TAXONOMY_NAME = "newstart settlement taxonomy"
OPEN_ELIGIBILITY_TAXONOMY_NAME = "Open Eligibility"
OPEN_ELIGIBILITY_DESCRIPTION = (
    "The Open Eligibility Project's human services taxonomy: categories of human services and of human "
    "situations. By Aunt Bertha, Inc., licensed under Creative Commons Attribution-ShareAlike 3.0 Unported."
)
OPEN_ELIGIBILITY_URI = "http://openeligibility.org"

# HSDS attribute that records "this term of another taxonomy means that settlement term".
MAPS_TO = "maps_to"
MAPPING_LINK_ENTITY = TaxonomyTerm.hsds_type

# Never change this: every install derives the same record ids from it.
TAXONOMY_NAMESPACE = uuid.UUID("583ea65c-5ffb-40a5-a759-24431a244cad")
SETTLEMENT_TAXONOMY_ID = uuid.uuid5(TAXONOMY_NAMESPACE, "taxonomy:settlement")
OPEN_ELIGIBILITY_TAXONOMY_ID = uuid.uuid5(TAXONOMY_NAMESPACE, "taxonomy:open-eligibility")

_SETTLEMENT_CODE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")
_OE_LEVELS = ("top_level", "second_level", "third_level", "fourth_level")
_OE_SECTIONS = ("services", "situations")
_MAX_CODE_LENGTH = 200
_BATCH_SIZE = 500
_TERM_FIELDS = ["parent", "taxonomy", "taxonomy_detail", "language", "source_language"]
# How many problems an error message lists before it says "and N more".
_MAX_LISTED = 20

TaxonomyTermTranslation: Any = TaxonomyTerm._parler_meta.root_model  # type: ignore[attr-defined]


class TaxonomyDataError(Exception):
    """A taxonomy file that cannot be loaded; ``problems`` names each problem (with its line where known)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        if self.problems:
            listed = self.problems[:_MAX_LISTED]
            more = len(self.problems) - len(listed)
            message = "\n  ".join([message, *listed])
            if more:
                message += "\n  " + _("… and %(count)s more") % {"count": more}
        super().__init__(message)


# --- Loading any taxonomy ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TermData:
    code: str
    parent: str | None
    names: dict[str, str]
    descriptions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TaxonomyData:
    id: uuid.UUID
    name: str
    description: str
    uri: str
    version: str
    # Prefix of the uuid5 name for new terms: "<prefix>:<code>".
    term_id_prefix: str
    # Parents before their children.
    terms: list[TermData]


@dataclass
class TaxonomyLoadResult:
    taxonomy: Taxonomy
    taxonomy_created: bool = False
    taxonomy_updated: bool = False
    terms_created: int = 0
    terms_updated: int = 0
    terms_unchanged: int = 0
    translations_written: int = 0
    # Terms in the database under this taxonomy that the file no longer has (kept, never deleted).
    terms_not_in_file: int = 0
    terms_by_code: dict[str, TaxonomyTerm] = field(default_factory=dict, repr=False)


def _term_id(*, prefix: str, code: str) -> uuid.UUID:
    return uuid.uuid5(TAXONOMY_NAMESPACE, f"{prefix}:{code}")


def _upsert_taxonomy_record(*, data: TaxonomyData) -> tuple[Taxonomy, bool, bool]:
    taxonomy = Taxonomy.objects.filter(pk=data.id).first()
    if taxonomy is None:
        # Adopt a record of the same name made elsewhere (admin, HSDS import) rather than add a twin.
        taxonomy = Taxonomy.objects.filter(name=data.name).order_by("pk").first()
    wanted = {"name": data.name, "description": data.description, "uri": data.uri, "version": data.version}
    if taxonomy is None:
        return Taxonomy.objects.create(id=data.id, **wanted), True, False
    changed = [name for name, value in wanted.items() if getattr(taxonomy, name) != value]
    for name in changed:
        setattr(taxonomy, name, wanted[name])
    if changed:
        taxonomy.save(update_fields=changed)
    return taxonomy, False, bool(changed)


def _taxonomy_upsert(*, data: TaxonomyData) -> TaxonomyLoadResult:
    """Create or update a taxonomy and its terms (with their translations); call inside a transaction.

    Rows are written in bulk (with their history rows): a first load writes a few thousand rows.
    """
    taxonomy, created, updated = _upsert_taxonomy_record(data=data)
    result = TaxonomyLoadResult(taxonomy=taxonomy, taxonomy_created=created, taxonomy_updated=updated)
    existing = {term.code: term for term in TaxonomyTerm.objects.filter(taxonomy_detail=taxonomy).exclude(code="")}
    translations = {
        (row.master_id, row.language_code): row
        for row in TaxonomyTermTranslation.objects.filter(master__taxonomy_detail=taxonomy)
    }
    new_terms: list[TaxonomyTerm] = []
    changed_terms: list[TaxonomyTerm] = []
    new_rows: list[Any] = []
    changed_rows: list[Any] = []
    for item in data.terms:
        parent = result.terms_by_code[item.parent] if item.parent else None
        wanted: dict[str, Any] = {
            "parent_id": parent.pk if parent else None,
            "taxonomy": data.name,
            "taxonomy_detail_id": taxonomy.pk,
            "language": "en",
            "source_language": "en",
        }
        term = existing.get(item.code)
        if term is None:
            term = TaxonomyTerm(id=_term_id(prefix=data.term_id_prefix, code=item.code), code=item.code, **wanted)
            new_terms.append(term)
        elif changed := [name for name, value in wanted.items() if getattr(term, name) != value]:
            for name in changed:
                setattr(term, name, wanted[name])
            changed_terms.append(term)
        result.terms_by_code[item.code] = term
        rows_before = len(new_rows) + len(changed_rows)
        for language in sorted(set(item.names) | set(item.descriptions)):
            name = item.names.get(language, "")
            description = item.descriptions.get(language, "")
            row = translations.get((term.pk, language))
            if row is None:
                new_rows.append(
                    TaxonomyTermTranslation(master=term, language_code=language, name=name, description=description)
                )
            elif (row.name, row.description) != (name, description):
                row.name, row.description = name, description
                changed_rows.append(row)
        if item.code not in existing:
            result.terms_created += 1
        elif (changed_terms and changed_terms[-1] is term) or len(new_rows) + len(changed_rows) > rows_before:
            result.terms_updated += 1
        else:
            result.terms_unchanged += 1
    # Parents come before their children in one batch; foreign keys are checked at commit.
    bulk_create_with_history(new_terms, TaxonomyTerm, batch_size=_BATCH_SIZE)
    if changed_terms:
        bulk_update_with_history(changed_terms, TaxonomyTerm, _TERM_FIELDS, batch_size=_BATCH_SIZE)
    bulk_create_with_history(new_rows, TaxonomyTermTranslation, batch_size=_BATCH_SIZE)
    if changed_rows:
        bulk_update_with_history(changed_rows, TaxonomyTermTranslation, ["name", "description"], batch_size=_BATCH_SIZE)
    result.translations_written = len(new_rows) + len(changed_rows)
    result.terms_not_in_file = len(set(existing) - set(result.terms_by_code))
    return result


# --- The settlement taxonomy -----------------------------------------------------------------------


def _language_texts(value: Any, *, where: str, what: str, problems: list[str], required: bool) -> dict[str, str]:
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        problems.append(
            _("%(where)s: %(what)s must be an object of language code → text") % {"where": where, "what": what}
        )
        return {}
    texts: dict[str, str] = {}
    for language, text in value.items():
        if language not in INTERFACE_LANGUAGE_CODES:
            problems.append(
                _("%(where)s: %(what)s has language %(language)s, which is not an interface language")
                % {"where": where, "what": what, "language": language}
            )
        elif not isinstance(text, str) or not text.strip():
            problems.append(
                _("%(where)s: %(what)s in %(language)s is empty") % {"where": where, "what": what, "language": language}
            )
        else:
            texts[language] = text.strip()
    if required and "en" not in value:
        problems.append(_("%(where)s: %(what)s has no English (en) text") % {"where": where, "what": what})
    return texts


def _read_json(*, path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TaxonomyDataError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from None
    except json.JSONDecodeError as exc:
        raise TaxonomyDataError(
            _("%(path)s is not valid JSON: %(error)s (line %(line)s)")
            % {"path": path, "error": exc.msg, "line": exc.lineno}
        ) from None


def settlement_taxonomy_data(*, path: Path = SETTLEMENT_TAXONOMY_PATH) -> TaxonomyData:
    """The settlement taxonomy file, checked; raises TaxonomyDataError listing every problem."""
    document = _read_json(path=path)
    problems: list[str] = []
    header = document.get("taxonomy") if isinstance(document, dict) else None
    raw_terms = document.get("terms") if isinstance(document, dict) else None
    if not isinstance(header, dict) or not isinstance(header.get("name"), str) or not header["name"].strip():
        problems.append(_('the file needs a "taxonomy" object with a name'))
        header = {}
    if not isinstance(raw_terms, list) or not raw_terms:
        problems.append(_('the file needs a non-empty "terms" list'))
        raw_terms = []
    terms: list[TermData] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_terms, start=1):
        code = raw.get("code") if isinstance(raw, dict) else None
        where = (
            _("term %(code)s") % {"code": code} if isinstance(code, str) else _("term #%(index)s") % {"index": index}
        )
        if not isinstance(raw, dict):
            problems.append(_("%(where)s is not an object") % {"where": where})
            continue
        if not isinstance(code, str) or not _SETTLEMENT_CODE.match(code):
            problems.append(
                _("%(where)s: code must be capitals, digits and hyphens, like LANG-LINC") % {"where": where}
            )
            continue
        if code in seen:
            problems.append(_("%(where)s: code used twice") % {"where": where})
            continue
        seen.add(code)
        parent = raw.get("parent")
        if parent is not None and (not isinstance(parent, str) or not code.startswith(parent + "-")):
            problems.append(
                _("%(where)s: a child's code is its parent's code, a hyphen and a name (parent %(parent)s)")
                % {"where": where, "parent": parent}
            )
            continue
        names = _language_texts(raw.get("name"), where=where, what=_("name"), problems=problems, required=True)
        descriptions = _language_texts(
            raw.get("description"), where=where, what=_("description"), problems=problems, required=False
        )
        if missing := sorted(set(descriptions) - set(names)):
            problems.append(
                _("%(where)s: description in %(languages)s but no name in that language")
                % {"where": where, "languages": ", ".join(missing)}
            )
        terms.append(TermData(code=code, parent=parent, names=names, descriptions=descriptions))
    for term in terms:
        if term.parent is not None and term.parent not in seen:
            problems.append(_("term %(code)s: parent %(parent)s is not in the file") % vars(term))
    if problems:
        raise TaxonomyDataError(_("%(path)s cannot be loaded:") % {"path": path}, problems)
    return TaxonomyData(
        id=SETTLEMENT_TAXONOMY_ID,
        name=header["name"].strip(),
        description=str(header.get("description") or "").strip(),
        uri=str(header.get("uri") or "").strip(),
        version=str(header.get("version") or "").strip(),
        term_id_prefix="settlement",
        # A child's code extends its parent's, so fewer hyphens come first: parents before children.
        terms=sorted(terms, key=lambda term: term.code.count("-")),
    )


@transaction.atomic
def taxonomy_load_settlement(*, path: Path = SETTLEMENT_TAXONOMY_PATH) -> TaxonomyLoadResult:
    """Create or update the newstart settlement taxonomy from its data file; idempotent.

    Raises TaxonomyDataError (and changes nothing) when the file has problems.
    """
    return _taxonomy_upsert(data=settlement_taxonomy_data(path=path))


# --- Open Eligibility --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenEligibilityNode:
    oe_id: str
    # The OE id, except for a second term reusing an id: "<id>-<slugified title>".
    code: str
    title: str
    parent_code: str | None
    section: str
    line: int


@dataclass
class OpenEligibilityDocument:
    version: str = ""
    nodes: list[OpenEligibilityNode] = field(default_factory=list)
    # Top-level category id → description, from <services><descriptions>.
    descriptions: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class _StopParsing(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _OpenEligibilityHandler(ContentHandler):
    """Builds the term tree from SAX events, noting each element's line for error messages."""

    def __init__(self) -> None:
        super().__init__()
        self.document = OpenEligibilityDocument()
        self.problems: list[str] = []
        self._open: list[str] = []
        self._levels: list[OpenEligibilityNode | None] = []
        self._text: list[str] | None = None
        self._text_for: tuple[str, str] | None = None
        self._codes: dict[str, OpenEligibilityNode] = {}
        self._locator_: Locator | None = None

    def setDocumentLocator(self, locator: Locator) -> None:
        self._locator_ = locator

    def _line(self) -> int:
        return (self._locator_.getLineNumber() or 0) if self._locator_ is not None else 0

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        line = self._line()
        parent = self._open[-1] if self._open else None
        if parent is None and name != "taxonomy":
            raise _StopParsing(
                _("the root element is <%(found)s> (line %(line)s); an Open Eligibility file has <taxonomy>")
                % {"found": name, "line": line}
            )
        self._open.append(name)
        if name in _OE_LEVELS:
            self._levels.append(self._start_level(name=name, parent=parent, attrs=attrs, line=line))
        elif name == "category" and parent == "descriptions":
            self._collect(("category", attrs.get("id", "").strip()))
        elif name == "version" and parent == "taxonomy":
            self._collect(("version", ""))

    def _collect(self, target: tuple[str, str]) -> None:
        self._text, self._text_for = [], target

    def _start_level(
        self, *, name: str, parent: str | None, attrs: AttributesImpl, line: int
    ) -> OpenEligibilityNode | None:
        if parent not in _OE_SECTIONS and parent not in _OE_LEVELS:
            self.problems.append(
                _("line %(line)s: <%(tag)s> is inside <%(parent)s>; terms belong inside <services> or <situations>")
                % {"line": line, "tag": name, "parent": parent}
            )
            return None
        # The nesting decides the hierarchy; the published file has a <third_level> right inside a
        # <top_level>, so a tag naming another depth is only worth a warning.
        depth = len(self._levels) if parent in _OE_LEVELS else 0
        if _OE_LEVELS.index(name) != depth:
            self.document.warnings.append(
                _("line %(line)s: <%(tag)s> sits at level %(depth)s; imported where it sits")
                % {"line": line, "tag": name, "depth": depth + 1}
            )
        oe_id = (attrs.get("id") or "").strip()
        title = " ".join((attrs.get("title") or "").split())
        if not oe_id or not title:
            missing = "id" if not oe_id else "title"
            self.problems.append(
                _("line %(line)s: <%(tag)s> has no %(attribute)s") % {"line": line, "tag": name, "attribute": missing}
            )
            return None
        if depth == 0:
            section, parent_code = str(parent), None
        else:
            parent_node = self._levels[-1]
            if parent_node is None:  # its parent was already reported
                return None
            section, parent_code = parent_node.section, parent_node.code
        code = oe_id
        if code in self._codes:
            first = self._codes[code]
            code = f"{oe_id}-{slugify(title)}"
            self.document.warnings.append(
                _(
                    "line %(line)s: id %(id)s is used again (first by “%(first)s”, line %(first_line)s); "
                    "“%(title)s” is imported with code %(code)s"
                )
                % {
                    "line": line,
                    "id": oe_id,
                    "first": first.title,
                    "first_line": first.line,
                    "title": title,
                    "code": code,
                }
            )
        if code in self._codes or len(code) > _MAX_CODE_LENGTH:
            self.problems.append(
                _("line %(line)s: id %(id)s cannot be given a unique code") % {"line": line, "id": oe_id}
            )
            return None
        node = OpenEligibilityNode(
            oe_id=oe_id, code=code, title=title, parent_code=parent_code, section=section, line=line
        )
        self._codes[code] = node
        self.document.nodes.append(node)
        return node

    def characters(self, content: str) -> None:
        if self._text is not None:
            self._text.append(content)

    def endElement(self, name: str) -> None:
        self._open.pop()
        if name in _OE_LEVELS:
            self._levels.pop()
        elif self._text is not None and self._text_for is not None and name == self._text_for[0]:
            text = " ".join("".join(self._text).split())
            if name == "version":
                self.document.version = text
            elif self._text_for[1]:
                self.document.descriptions[self._text_for[1]] = text
            self._text, self._text_for = None, None


def open_eligibility_parse(*, path: Path) -> OpenEligibilityDocument:
    """Parse an Open Eligibility taxonomy XML file safely; raises TaxonomyDataError naming the problem."""
    handler = _OpenEligibilityHandler()
    try:
        with path.open("rb") as stream:
            defusedxml.sax.parse(stream, handler)
    except OSError as exc:
        raise TaxonomyDataError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from None
    except SAXParseException as exc:
        raise TaxonomyDataError(
            _("%(path)s is not well-formed XML: %(error)s (line %(line)s, column %(column)s)")
            % {"path": path, "error": exc.getMessage(), "line": exc.getLineNumber(), "column": exc.getColumnNumber()}
        ) from None
    except DefusedXmlException as exc:
        raise TaxonomyDataError(
            _("%(path)s uses XML features refused for safety (%(error)s)") % {"path": path, "error": exc}
        ) from None
    except _StopParsing as exc:
        raise TaxonomyDataError(
            _("%(path)s is not an Open Eligibility taxonomy: %(error)s") % {"path": path, "error": exc.message}
        ) from None
    if handler.problems:
        raise TaxonomyDataError(_("%(path)s cannot be imported:") % {"path": path}, handler.problems)
    if not handler.document.nodes:
        raise TaxonomyDataError(
            _("%(path)s is not an Open Eligibility taxonomy: it has no <top_level> terms inside <services>")
            % {"path": path}
        )
    return handler.document


def _open_eligibility_data(*, document: OpenEligibilityDocument) -> TaxonomyData:
    return TaxonomyData(
        id=OPEN_ELIGIBILITY_TAXONOMY_ID,
        name=OPEN_ELIGIBILITY_TAXONOMY_NAME,
        description=OPEN_ELIGIBILITY_DESCRIPTION,
        uri=OPEN_ELIGIBILITY_URI,
        version=document.version,
        term_id_prefix="open-eligibility",
        terms=[
            TermData(
                code=node.code,
                parent=node.parent_code,
                names={"en": node.title},
                descriptions={"en": document.descriptions[node.oe_id]}
                if node.parent_code is None and document.descriptions.get(node.oe_id)
                else {},
            )
            for node in document.nodes
        ],
    )


@dataclass(frozen=True)
class OpenEligibilityMapping:
    # Open Eligibility term code (its id) → settlement codes; wins over by_name.
    by_code: dict[str, tuple[str, ...]]
    # Lower-cased term title → settlement codes, wherever the title appears.
    by_name: dict[str, tuple[str, ...]]


def _codes_list(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def open_eligibility_mapping_data(
    *, path: Path = OPEN_ELIGIBILITY_MAPPING_PATH, settlement_codes: set[str]
) -> OpenEligibilityMapping:
    """The mapping file, checked against the settlement codes; raises TaxonomyDataError listing problems."""
    document = _read_json(path=path)
    problems: list[str] = []
    tables: dict[str, dict[str, tuple[str, ...]]] = {"by_id": {}, "by_name": {}}
    for table in tables:
        raw = document.get(table, {}) if isinstance(document, dict) else None
        if not isinstance(raw, dict):
            problems.append(_("%(table)s must be an object") % {"table": table})
            continue
        for key, value in raw.items():
            codes = _codes_list(value)
            if codes is None:
                problems.append(
                    _("%(table)s %(key)s: expected a settlement code or a list of them") % {"table": table, "key": key}
                )
                continue
            if unknown := [code for code in codes if code not in settlement_codes]:
                problems.append(
                    _("%(table)s %(key)s: %(codes)s not in the settlement taxonomy")
                    % {"table": table, "key": key, "codes": ", ".join(unknown)}
                )
                continue
            tables[table][key.strip().lower() if table == "by_name" else key.strip()] = codes
    if problems:
        raise TaxonomyDataError(_("%(path)s cannot be used:") % {"path": path}, problems)
    return OpenEligibilityMapping(by_code=tables["by_id"], by_name=tables["by_name"])


@dataclass
class MappingCoverage:
    total: int = 0
    direct: int = 0
    via_ancestor: int = 0

    @property
    def mapped(self) -> int:
        return self.direct + self.via_ancestor

    @property
    def share(self) -> float:
        return self.mapped / self.total if self.total else 0.0


@dataclass
class OpenEligibilityImportResult:
    load: TaxonomyLoadResult
    settlement: TaxonomyLoadResult
    mappings_created: int = 0
    mappings_removed: int = 0
    mappings_unchanged: int = 0
    coverage: MappingCoverage = field(default_factory=MappingCoverage)
    coverage_by_section: dict[str, MappingCoverage] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def open_eligibility_resolve_mapping(
    *, document: OpenEligibilityDocument, mapping: OpenEligibilityMapping
) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """Each OE term code → its directly mapped settlement codes (terms without a mapping are absent),
    and warnings for mapping entries that match no term."""
    direct: dict[str, tuple[str, ...]] = {}
    for node in document.nodes:
        codes = mapping.by_code.get(node.code) or mapping.by_name.get(node.title.lower())
        if codes:
            direct[node.code] = codes
    warnings = [
        _("mapping by_id %(key)s matches no term in the file") % {"key": key}
        for key in sorted(set(mapping.by_code) - {node.code for node in document.nodes})
    ]
    titles = {node.title.lower() for node in document.nodes}
    warnings += [
        _("mapping by_name “%(key)s” matches no term in the file") % {"key": key}
        for key in sorted(set(mapping.by_name) - titles)
    ]
    return direct, warnings


def open_eligibility_coverage(
    *, document: OpenEligibilityDocument, direct: Mapping[str, tuple[str, ...]]
) -> tuple[MappingCoverage, dict[str, MappingCoverage]]:
    """How many OE terms reach a settlement term, directly or through their nearest mapped ancestor."""
    parents = {node.code: node.parent_code for node in document.nodes}
    overall = MappingCoverage()
    by_section: dict[str, MappingCoverage] = {}
    for node in document.nodes:
        section = by_section.setdefault(node.section, MappingCoverage())
        for coverage in (overall, section):
            coverage.total += 1
        if node.code in direct:
            for coverage in (overall, section):
                coverage.direct += 1
            continue
        ancestor = parents.get(node.code)
        while ancestor is not None and ancestor not in direct:
            ancestor = parents.get(ancestor)
        if ancestor is not None:
            for coverage in (overall, section):
                coverage.via_ancestor += 1
    return overall, by_section


def _sync_mappings(
    *, oe_terms: dict[str, TaxonomyTerm], settlement_terms: dict[str, TaxonomyTerm], direct: dict[str, tuple[str, ...]]
) -> tuple[int, int, int]:
    wanted = {
        (oe_terms[oe_code].pk, settlement_terms[code].pk): (oe_code, code)
        for oe_code, codes in direct.items()
        for code in codes
    }
    existing = Attribute.objects.filter(
        link_entity=MAPPING_LINK_ENTITY, link_type=MAPS_TO, link_id__in=[term.pk for term in oe_terms.values()]
    )
    have: set[tuple[uuid.UUID, uuid.UUID]] = set()
    removed = 0
    for attribute in existing:
        key = (attribute.link_id, attribute.taxonomy_term_id)
        if key in wanted and key not in have:
            have.add(key)
        else:
            attribute.delete()
            removed += 1
    created = 0
    for key, (oe_code, code) in wanted.items():
        if key in have:
            continue
        Attribute.objects.create(
            id=uuid.uuid5(TAXONOMY_NAMESPACE, f"{MAPS_TO}:open-eligibility:{oe_code}:{code}"),
            link_id=key[0],
            link_entity=MAPPING_LINK_ENTITY,
            link_type=MAPS_TO,
            taxonomy_term=settlement_terms[code],
        )
        created += 1
    return created, removed, len(have)


def taxonomy_import_open_eligibility(
    *, path: Path, mapping_path: Path = OPEN_ELIGIBILITY_MAPPING_PATH
) -> OpenEligibilityImportResult:
    """Import the Open Eligibility taxonomy XML and map its terms onto the settlement taxonomy.

    Loads (or refreshes) the settlement taxonomy first, since the mappings point at it. Everything
    is checked before anything is written, and the writes are one transaction: a bad file changes
    nothing. Idempotent: a second run with the same files writes nothing.
    """
    document = open_eligibility_parse(path=path)
    settlement_data = settlement_taxonomy_data()
    mapping = open_eligibility_mapping_data(
        path=mapping_path, settlement_codes={term.code for term in settlement_data.terms}
    )
    direct, mapping_warnings = open_eligibility_resolve_mapping(document=document, mapping=mapping)
    coverage, by_section = open_eligibility_coverage(document=document, direct=direct)
    with transaction.atomic():
        settlement = _taxonomy_upsert(data=settlement_data)
        load = _taxonomy_upsert(data=_open_eligibility_data(document=document))
        created, removed, unchanged = _sync_mappings(
            oe_terms=load.terms_by_code, settlement_terms=settlement.terms_by_code, direct=direct
        )
    return OpenEligibilityImportResult(
        load=load,
        settlement=settlement,
        mappings_created=created,
        mappings_removed=removed,
        mappings_unchanged=unchanged,
        coverage=coverage,
        coverage_by_section=by_section,
        warnings=document.warnings + mapping_warnings,
    )


# --- Reads ---------------------------------------------------------------------------------------------


def settlement_taxonomy_get() -> Taxonomy | None:
    """The settlement taxonomy record, or None before ``load_taxonomy`` has run."""
    return (
        Taxonomy.objects.filter(pk=SETTLEMENT_TAXONOMY_ID).first()
        or Taxonomy.objects.filter(name=SETTLEMENT_TAXONOMY_NAME).order_by("pk").first()
    )


def settlement_term_get(*, code: str) -> TaxonomyTerm | None:
    taxonomy = settlement_taxonomy_get()
    if taxonomy is None:
        return None
    return TaxonomyTerm.objects.filter(taxonomy_detail=taxonomy, code=code).first()


def settlement_terms_for(*, term: TaxonomyTerm) -> list[TaxonomyTerm]:
    """The settlement terms that stand for ``term``: itself if it is one, else the terms it maps to
    ("maps_to" attributes), else those of its nearest mapped ancestor; [] when nothing maps."""
    taxonomy = settlement_taxonomy_get()
    if taxonomy is None:
        return []
    if term.taxonomy_detail_id == taxonomy.pk:
        return [term]
    seen: set[uuid.UUID] = set()
    current: TaxonomyTerm | None = term
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        mapped = list(
            TaxonomyTerm.objects.filter(
                taxonomy_detail=taxonomy,
                attributes__link_entity=MAPPING_LINK_ENTITY,
                attributes__link_type=MAPS_TO,
                attributes__link_id=current.pk,
            )
            .distinct()
            .order_by("code")
        )
        if mapped:
            return mapped
        current = TaxonomyTerm.objects.filter(pk=current.parent_id).first() if current.parent_id else None
    return []
