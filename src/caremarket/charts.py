"""Server-side SVG charts, so charts show with JavaScript off and in the PDF.

Every chart is drawn beside a table holding the same figures; the SVG carries a title and a
text description for screen readers, and series differ by dash pattern as well as colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

DASHES = ("", "8 4", "2 4", "12 4 2 4", "4 4")
# GOV.UK palette colours with at least 3:1 contrast on white (WCAG 1.4.11). Presentation
# attributes, not CSS, so WeasyPrint draws them in the PDF too.
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738")
TEXT = 'font-family="Arial, sans-serif" font-size="13" fill="#0b0c0c"'


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def nice_ceiling(value: float) -> float:
    """The next round number at or above `value` (1, 2, 2.5, 5 × a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def axis_range(values: Sequence[float]) -> tuple[float, float, float]:
    """(low, high, step) of a value axis with four round steps that holds every value and zero:
    a surplus (a negative gap) sits below the zero line, inside the plot."""
    low, high = min([0.0, *values]), max([0.0, *values])
    if low >= 0:
        top = nice_ceiling(high)
        return 0.0, top, top / 4
    if high <= 0:
        bottom = nice_ceiling(-low)
        return -bottom, 0.0, bottom / 4
    step = nice_ceiling((high - low) / 4)
    while math.ceil(high / step) + math.ceil(-low / step) > 4:
        step = nice_ceiling(step * 1.01)
    below = math.ceil(-low / step)
    return -below * step, (4 - below) * step, step


def format_tick(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:,.1f}"


def text_width(text: str) -> float:
    """Roughly how wide `text` is in 13px Arial: enough to keep labels from running together."""
    return sum(
        4.0 if c in " .,:;il1|'" else 9.5 if c.isupper() or c in "mwMW" else 7.2 for c in text
    )


def _style(index: int) -> tuple[str, str]:
    """The colour and dash attribute of the `index`th series (lines and their legend)."""
    dash = DASHES[index % len(DASHES)]
    return COLOURS[index % len(COLOURS)], f' stroke-dasharray="{dash}"' if dash else ""


def _legend(series: Sequence[Series], left: float, width: float, top: float) -> list[str]:
    """Legend entries laid out in rows by their measured width, never overlapping."""
    parts, x, y = [], left, top
    for index, s in enumerate(series):
        needed = 30 + text_width(s.name) + 18
        if x > left and x + needed > left + width:
            x, y = left, y + 18
        colour, dash_attr = _style(index)
        parts.append(
            f'<line stroke="{colour}" x1="{x:.1f}" x2="{x + 24:.1f}" y1="{y - 4}" '
            f'y2="{y - 4}" stroke-width="3"{dash_attr}/>'
            f'<text {TEXT} x="{x + 30:.1f}" y="{y}">{escape(s.name)}</text>'
        )
        x += needed
    return parts


def legend_rows(series: Sequence[Series], width: float) -> int:
    rows, x = 1, 0.0
    for s in series:
        needed = 30 + text_width(s.name) + 18
        if x > 0 and x + needed > width:
            rows, x = rows + 1, 0.0
        x += needed
    return rows


def label_positions(count: int, step: int) -> list[int]:
    """Which of `count` axis labels to print: every `step`th and the last, never two closer
    than `step` (else the last two run together: "20462047")."""
    if count <= 0:
        return []
    shown = list(range(0, count, step))
    last = count - 1
    if shown[-1] != last:
        shown = [i for i in shown if last - i >= step] + [last]
    return shown


def _opening(chart_id: str, title: str, description: str, width: int, height: int) -> list[str]:
    """The chart's <svg> tag with its title and description for screen readers."""
    ident = escape(chart_id)
    return [
        f'<svg class="cm-chart" id="{ident}" role="img" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = 640,
    height: int = 320,
) -> SafeString:
    """A line chart of `series` against the category `labels`. Negative values (a surplus) are
    drawn below a zero line inside the plot; the legend sits under the axis labels in rows
    measured to fit, so it grows the chart rather than overlapping."""
    left, right, top = 70, 20, 20
    plot_w = width - left - right
    legend_height = 18 * legend_rows(series, plot_w)
    plot_h = height - top - 50 - legend_height + 18
    finite = [v for s in series for v in s.values if v is not None]
    low, high, _ = axis_range(finite)
    n = max(len(labels), 2)

    def x(i: int) -> float:
        return left + plot_w * i / (n - 1)

    def y(v: float) -> float:
        return top + plot_h * (high - v) / (high - low)

    parts = _opening(chart_id, title, description, width, height)
    for k in range(5):
        value = low + (high - low) * k / 4
        parts.append(
            f'<line stroke="#b1b4b6" x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}"/>'
            f'<text {TEXT} x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
            f"{format_tick(value)}</text>"
        )
    # As many labels as fit at their measured width and a gap, evenly.
    widest = max((text_width(label) for label in labels), default=7) + 12
    fit = max(1, int(plot_w // widest))
    for i in label_positions(len(labels), max(1, math.ceil(len(labels) / fit))):
        parts.append(
            f'<text {TEXT} x="{x(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle">'
            f"{escape(labels[i])}</text>"
        )
    parts.append(
        f'<line stroke="#0b0c0c" x1="{left}" x2="{left + plot_w}" y1="{y(0):.1f}" '
        f'y2="{y(0):.1f}"/><line stroke="#0b0c0c" x1="{left}" x2="{left}" y1="{top}" '
        f'y2="{top + plot_h}"/>'
    )
    for index, s in enumerate(series):
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(s.values) if v is not None)
        colour, dash_attr = _style(index)
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="3" '
            f'points="{points}"{dash_attr}/>'
        )
    parts += _legend(series, left, plot_w, top + plot_h + 44)
    parts.append("</svg>")
    return mark_safe("".join(parts))


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = 640,
) -> SafeString:
    """Horizontal bars for each label, one panel per series side by side, each on its own scale
    (counts and beds differ a hundredfold), with each bar's value written at its end."""
    label_w, gap, top, row_h, bottom = 170, 16, 34, 20, 10
    panel_w = (width - label_w - gap * len(series)) / max(len(series), 1)
    height = top + row_h * len(labels) + bottom
    parts = _opening(chart_id, title, description, width, height)
    for i, label in enumerate(labels):
        shown = label if len(label) <= 24 else label[:23] + "…"
        parts.append(
            f'<text {TEXT} x="{label_w - 6}" y="{top + row_h * i + 14}" text-anchor="end">'
            f"{escape(shown)}</text>"
        )
    for index, s in enumerate(series):
        left = label_w + index * (panel_w + gap)
        finite = [v for v in s.values if v is not None]
        low, high, _ = axis_range(finite)
        # Room for the value written beside each bar, on whichever side it grows.
        room_left = 44 if low < 0 else 0
        scale = (panel_w - 44 - room_left) / (high - low)
        zero = left + room_left + (-low) * scale
        colour = COLOURS[index % len(COLOURS)]
        parts.append(
            f'<text {TEXT} x="{left:.1f}" y="{top - 14}" font-weight="bold">{escape(s.name)}</text>'
            f'<line stroke="#0b0c0c" x1="{zero:.1f}" x2="{zero:.1f}" y1="{top - 4}" '
            f'y2="{top + row_h * len(labels)}"/>'
        )
        for i, value in enumerate(s.values):
            y = top + row_h * i + 3
            if value is None:
                parts.append(f'<text {TEXT} x="{zero + 4:.1f}" y="{y + 11}">–</text>')
                continue
            length = abs(value) * scale
            start = zero if value >= 0 else zero - length
            written = (
                f'x="{zero + length + 4:.1f}"'
                if value >= 0
                else f'x="{start - 4:.1f}" text-anchor="end"'
            )
            parts.append(
                f'<rect x="{start:.1f}" y="{y}" width="{length:.1f}" height="{row_h - 6}" '
                f'fill="{colour}"/><text {TEXT} {written} y="{y + 11}">'
                f"{format_tick(value)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
