"""What an HSDS import found and did: problems, warnings and counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, located as "file, record id, field: reason".

    `record` is the record's id, or where it sits when it has no usable id
    (a CSV row, a JSON path); `field` is "table.field", or "" for the whole file.
    """

    file: str
    record: str
    field: str
    reason: str

    def __str__(self) -> str:
        parts = [part for part in (self.file, self.record, self.field) if part]
        return f"{', '.join(parts)}: {self.reason}"


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    dry_run: bool = False
    counts: dict[str, TableCounts] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    def total(self, kind: str) -> int:
        return sum(getattr(counts, kind) for counts in self.counts.values())


class HsdsImportError(Exception):
    """The dataset has problems; nothing was written."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        self.problems = problems
        self.warnings = warnings or []
        super().__init__(_("%(count)s problems found; nothing was imported.") % {"count": len(problems)})


def listing(findings: list[Problem], *, limit: int = 200) -> list[str]:
    """The findings as lines, at most `limit` of them and a line counting the rest."""
    lines = [str(finding) for finding in findings[:limit]]
    if len(findings) > limit:
        lines.append(_("… and %(count)s more.") % {"count": len(findings) - limit})
    return lines
