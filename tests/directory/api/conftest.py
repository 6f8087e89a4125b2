from __future__ import annotations

import json
from typing import Any

import pytest

BASE = "/api/hsds"


class ApiResult:
    def __init__(self, response: Any) -> None:
        self.response = response
        self.status = response.status_code
        self.content_type = response.headers.get("Content-Type", "")
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        self.text = raw.decode()

    def json(self) -> Any:
        return json.loads(self.text)

    def lines(self) -> list[Any]:
        return [json.loads(line) for line in self.text.splitlines()]

    def ids(self) -> list[str]:
        return [item["id"] for item in self.json()["contents"]]


@pytest.fixture
def api_get(client):
    """GET an API path (relative to /api/hsds) with query parameters."""

    def get(path: str, params: dict[str, Any] | None = None, **headers: str) -> ApiResult:
        return ApiResult(client.get(BASE + path, params or {}, **headers))

    return get
