"""The HSDS Page envelope: total_items, total_pages, page_number, size, first_page,
last_page, empty, contents. Pages are numbered from 1; `size` is the number of entities
in this page (as the HSDS OpenAPI document defines it), not the page size asked for."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    total_items: int
    total_pages: int
    page_number: int

    def envelope(self, contents: list[Any]) -> dict[str, Any]:
        return {
            "total_items": self.total_items,
            "total_pages": self.total_pages,
            "page_number": self.page_number,
            "size": len(contents),
            "first_page": self.page_number == 1,
            "last_page": self.page_number >= self.total_pages,
            "empty": not contents,
            "contents": contents,
        }


def paginate(qs: QuerySet[M], *, page: int, per_page: int) -> Page:
    """One page of `qs` (already ordered). A page past the last is empty, never an error,
    and costs no query beyond the count."""
    total_items = qs.count()
    total_pages = math.ceil(total_items / per_page)
    if page > total_pages:
        return Page([], total_items, total_pages, page)
    offset = (page - 1) * per_page
    return Page(list(qs[offset : offset + per_page]), total_items, total_pages, page)


def page_response(page: Page, serialize: Callable[[Any], Any]) -> dict[str, Any]:
    return page.envelope([serialize(item) for item in page.items])
