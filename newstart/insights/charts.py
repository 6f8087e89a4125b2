"""Server-rendered SVG charts for the insights pages: a horizontal bar chart, no JavaScript.

Each chart carries its numbers as table rows too; the template (``insights/_chart.html``) puts the
picture in a <figure> with a <figcaption> and the table beside it, so nothing is said by the
picture alone (the SVG itself is role="img" with a title naming what it shows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 200
VALUE_WIDTH = 80
ROW_HEIGHT = 24
BAR_HEIGHT = 16
FILL = "#0b5cad"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    # The other table columns for this bar (already formatted), after label and value.
    extra: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chart:
    chart_id: str
    title: str
    svg: SafeString
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def format_number(value: float | None, places: int = 0) -> str:
    if value is None:
        return "—"
    return str(number_format(value, places, use_l10n=True, force_grouping=True))


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    label_header: str,
    value_header: str,
    extra_headers: Sequence[str] = (),
    places: int = 0,
) -> Chart:
    """A horizontal bar per item, longest = the largest value; values printed at the bar's end."""
    largest = max((bar.value for bar in bars), default=0.0)
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = max(ROW_HEIGHT, ROW_HEIGHT * len(bars)) + 8
    title_id = f"{chart_id}-title"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" width="100%" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{escape(title_id)}" '
        f'font-family="{FONT}" font-size="12">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
    ]
    for index, bar in enumerate(bars):
        y = 4 + index * ROW_HEIGHT
        length = plot_width * bar.value / largest if largest > 0 and bar.value > 0 else 0.0
        text_y = y + BAR_HEIGHT - 4
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{text_y:.1f}" text-anchor="end" fill="#1b1f24">'
            f"{escape(_short(bar.label))}</text>"
        )
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y:.1f}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="{FILL}"></rect>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{text_y:.1f}" fill="#1b1f24">'
            f"{escape(format_number(bar.value, places))}</text>"
        )
    parts.append("</svg>")
    rows = tuple((bar.label, format_number(bar.value, places), *bar.extra) for bar in bars)
    # Every text above is escaped; numbers are formatted by us.
    svg = mark_safe("".join(parts))
    return Chart(
        chart_id=chart_id,
        title=title,
        svg=svg,
        headers=(label_header, value_header, *extra_headers),
        rows=rows,
    )
