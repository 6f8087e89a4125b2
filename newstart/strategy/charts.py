"""Small server-rendered SVG charts for the strategy pages and PDFs.

No JavaScript and no chart library: the same markup works in a browser and in WeasyPrint. Every
chart carries its data as rows too, and the templates (``strategy/_chart.html``) show them as a
table beside the picture, so that nothing is said by the picture alone.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Number = int | float | Decimal

WIDTH = 560
LABEL_WIDTH = 220
BAR_HEIGHT = 18
ROW_HEIGHT = 28
FILL = "#2f5d8a"
TARGET = "#b5462f"
MUTED = "#6b6b6b"


@dataclass(frozen=True)
class Chart:
    """An SVG picture and the same data as table rows (headers first)."""

    chart_id: str
    title: str
    svg: SafeString
    headers: tuple[str, ...]
    rows: Sequence[tuple[str, ...]] = field(default_factory=list)


def format_number(value: Number | None, places: int = 0) -> str:
    if value is None:
        return ""
    return str(number_format(value, places, use_l10n=True))


def _places(value: Number) -> int:
    """Decimal places worth showing: none for whole numbers, else one or two."""
    if isinstance(value, int):
        return 0
    decimal = Decimal(str(value))
    if decimal == decimal.to_integral_value():
        return 0
    return 1 if (decimal * 10) == (decimal * 10).to_integral_value() else 2


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 12, fill: str = "#1a1a1a") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
        f'font-family="DejaVu Sans, Noto Sans, sans-serif">{escape(text)}</text>'
    )


def _nice_step(raw: float) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) at least ``raw``, for the axis ticks."""
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _svg(chart_id: str, title: str, width: int, height: int, body: list[str]) -> SafeString:
    title_id = f"{chart_id}-title"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{escape(title_id)}">'
        f'<title id="{escape(title_id)}">{escape(title)}</title>'
    )
    # Every piece of text above is escaped.
    return mark_safe(head + "".join(body) + "</svg>")


def bar_chart(
    *,
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, Number]],
    label_header: str,
    value_header: str,
    maximum: Number | None = None,
    value_suffix: str = "",
    formatter: Callable[[Number], str] | None = None,
) -> Chart:
    """Horizontal bars, one per (label, value); the longest bar is ``maximum`` (default: the largest value)."""
    fmt = formatter or (lambda value: format_number(value, _places(value)) + value_suffix)
    top = float(maximum if maximum is not None else max((float(v) for _label, v in items), default=0)) or 1.0
    bar_area = WIDTH - LABEL_WIDTH - 70
    height = max(ROW_HEIGHT * len(items) + 12, 40)
    body: list[str] = []
    if not items:
        body.append(_text(WIDTH / 2, 24, "—", anchor="middle", fill=MUTED))
    for index, (label, value) in enumerate(items):
        y = 8 + index * ROW_HEIGHT
        length = max(0.0, min(float(value) / top, 1.0)) * bar_area
        body.append(f"<g><title>{escape(label)}: {escape(fmt(value))}</title>")
        body.append(_text(LABEL_WIDTH - 8, y + BAR_HEIGHT - 4, _short(label), anchor="end"))
        body.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar_area}" height="{BAR_HEIGHT}" fill="#e8edf2"></rect>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="{FILL}"></rect>'
        )
        body.append(_text(LABEL_WIDTH + bar_area + 6, y + BAR_HEIGHT - 4, fmt(value)))
        body.append("</g>")
    rows = [(label, fmt(value)) for label, value in items]
    return Chart(chart_id, title, _svg(chart_id, title, WIDTH, height, body), (label_header, value_header), rows)


def line_chart(
    *,
    chart_id: str,
    title: str,
    points: Sequence[tuple[dt.date, Number]],
    date_header: str,
    value_header: str,
    baseline: Number | None = None,
    target: Number | None = None,
    target_label: str = "",
    baseline_label: str = "",
) -> Chart:
    """Values over time (dates on the horizontal axis, in proportion), with the target and the
    baseline as dashed lines when given."""
    height, left, right, top_margin, bottom = 240, 56, 20, 16, 36
    plot_w, plot_h = WIDTH - left - right, height - top_margin - bottom
    ordered = sorted(points, key=lambda point: point[0])
    values = [float(v) for _d, v in ordered]
    references = [float(v) for v in (baseline, target) if v is not None]
    low = min([0.0, *values, *references])
    high = max([*values, *references, 1.0])
    step = _nice_step((high - low) / 4)
    low, high = math.floor(low / step) * step, math.ceil(high * 1.02 / step) * step
    span = (high - low) or 1.0
    tick_count = round(span / step)

    def y_of(value: float) -> float:
        return top_margin + plot_h - (value - low) / span * plot_h

    if ordered:
        first, last = ordered[0][0].toordinal(), ordered[-1][0].toordinal()
        days = (last - first) or 1

        def x_of(day: dt.date) -> float:
            return left + plot_w / 2 if first == last else left + (day.toordinal() - first) / days * plot_w

    body: list[str] = [
        f'<line x1="{left}" y1="{top_margin}" x2="{left}" y2="{top_margin + plot_h}" stroke="{MUTED}"></line>',
        f'<line x1="{left}" y1="{top_margin + plot_h}" x2="{left + plot_w}" y2="{top_margin + plot_h}" '
        f'stroke="{MUTED}"></line>',
    ]
    for index in range(tick_count + 1):
        tick = low + step * index
        y = y_of(tick)
        body.append(f'<line x1="{left - 4}" y1="{y:.1f}" x2="{left}" y2="{y:.1f}" stroke="{MUTED}"></line>')
        label = format_number(tick, _places(Decimal(str(round(tick, 2)))))
        body.append(_text(left - 6, y + 4, label, anchor="end", size=10))
    for reference, label, colour in ((target, target_label, TARGET), (baseline, baseline_label, MUTED)):
        if reference is None:
            continue
        y = y_of(float(reference))
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{colour}" '
            f'stroke-dasharray="6 4"></line>'
        )
        if label:
            body.append(_text(left + plot_w - 2, y - 4, label, anchor="end", size=10, fill=colour))
    if ordered:
        coords = [(x_of(day), y_of(float(value))) for day, value in ordered]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(f'<polyline points="{path}" fill="none" stroke="{FILL}" stroke-width="2"></polyline>')
        for (day, measured), (x, y) in zip(ordered, coords, strict=True):
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{FILL}"><title>'
                f"{escape(str(date_format(day, 'SHORT_DATE_FORMAT')))}: "
                f"{escape(format_number(measured, _places(measured)))}"
                "</title></circle>"
            )
        ticks = [ordered[0][0]] if len(ordered) == 1 else [ordered[0][0], ordered[-1][0]]
        if len(ordered) > 2:
            ticks.insert(1, ordered[len(ordered) // 2][0])
        for position, day in enumerate(ticks):
            # The first and last labels stay inside the picture.
            anchor = "middle" if len(ticks) == 1 else {0: "start", len(ticks) - 1: "end"}.get(position, "middle")
            body.append(
                _text(x_of(day), top_margin + plot_h + 16, str(date_format(day, "M Y")), anchor=anchor, size=10)
            )
    else:
        body.append(_text(left + plot_w / 2, top_margin + plot_h / 2, "—", anchor="middle", fill=MUTED))
    rows = [
        (str(date_format(day, "SHORT_DATE_FORMAT")), format_number(value, _places(value))) for day, value in ordered
    ]
    return Chart(chart_id, title, _svg(chart_id, title, WIDTH, height, body), (date_header, value_header), rows)
