"""Response shapes of the HSDS API, for the OpenAPI document.

HSDS objects themselves are built by newstart.directory.hsds.serialize and described by
the HSDS JSON schemas; here they are plain JSON objects.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class ApiInfo(Schema):
    version: str = Field(..., description="HSDS version of this API.")
    profile: str = Field(..., description="URL of the information on the HSDS profile of this API.")
    openapi_url: str = Field(..., description="URL of the OpenAPI JSON file which defines this API.")


class Problem(Schema):
    parameter: str = Field(..., description="The query or path parameter at fault.")
    message: str


class ErrorBody(Schema):
    detail: list[Problem]


class PageOut(Schema):
    total_items: int = Field(..., description="The total number of entities in the result set.")
    total_pages: int = Field(..., description="Count of total pages (0 for an empty result set).")
    page_number: int = Field(..., description="The number of the current page, starting at 1.")
    size: int = Field(..., description="The number of entities in the current page.")
    first_page: bool = Field(..., description="Whether this is the first page.")
    last_page: bool = Field(..., description="Whether this is the last page (or past it).")
    empty: bool = Field(..., description="Whether this page has no entities.")
    contents: list[dict[str, Any]] = Field(..., description="The HSDS objects of this page.")
