"""Licences the open data export may carry (OPEN_DATA_LICENCE, an SPDX identifier). No Django imports:
the settings read this module."""

from __future__ import annotations

from typing import NamedTuple


class Licence(NamedTuple):
    spdx: str
    name: str
    url: str


OPEN_DATA_LICENCES: dict[str, Licence] = {
    licence.spdx: licence
    for licence in (
        Licence(
            "CC-BY-4.0",
            "Creative Commons Attribution 4.0 International",
            "https://creativecommons.org/licenses/by/4.0/",
        ),
        Licence(
            "ODC-By-1.0", "Open Data Commons Attribution License v1.0", "https://opendatacommons.org/licenses/by/1-0/"
        ),
    )
}
DEFAULT_OPEN_DATA_LICENCE = "CC-BY-4.0"
