"""How model values are written in HSDS: JSON values and tabular (CSV) text."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any


def json_value(value: Any) -> Any:
    """A model value as HSDS JSON: ids as strings, integral numbers as ints, dates,
    times and datetimes as ISO 8601; None stays None (the caller omits it)."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def text_value(value: Any) -> str:
    """A model value as one cell of the tabular form ("" for no value)."""
    converted = json_value(value)
    if converted is None:
        return ""
    return str(converted)


def is_empty(value: Any) -> bool:
    """HSDS schemas do not allow null, so empty values are left out rather than written."""
    return value is None or value == "" or value == [] or value == {}
