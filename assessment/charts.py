"""The reports' charts as server-side SVG (issue 9 point 4).

Drawn here as plain strings, not in the browser, so that the page and the PDF show the
same figure: WeasyPrint renders inline SVG, and nothing depends on JavaScript. Each
chart has a fixed viewBox and scales to the width it is given; the text uses the CJK
font the PDFs use, so window names in Chinese print as they show.

Every label is escaped with `django.utils.html.escape`; the strings returned are safe.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif"
WIDTH = 1000
BAR = "#2e7d32"
LINE = "#1f5fa8"
GRID = "#d9d9d9"
INK = "#333333"
MUTED = "#6c757d"

Value = Decimal | float | int | None


def _num(value: float) -> str:
    """A coordinate with at most one decimal, without a trailing .0."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _score(value: Value) -> str:
    return f"{Decimal(value):.2f}"


def axis_bounds(values: Sequence[Value]) -> tuple[int, int]:
    """The axis from a round ten below the lowest score to a round ten above the highest.

    Scores sit close to the base of 100, so an axis from zero would make a window at 92
    and one at 99 look alike; the axis is labelled, so the cut is visible."""
    present = [float(v) for v in values if v is not None]
    if not present:
        return 0, 100
    low = max(0, math.floor((min(present) - 5) / 10) * 10)
    high = max(math.ceil(max(present) / 10) * 10, low + 10)
    return low, high


def _ticks(low: int, high: int) -> list[int]:
    span = high - low
    step = 5 if span <= 20 else 10 if span <= 60 else 20
    return list(range(low, high + 1, step))


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(height: float, title: str, body: list[str], css_class: str) -> SafeString:
    # Colours and font are presentation attributes, not a <style>: the page's
    # Content-Security-Policy allows no inline style sheet.
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="hall-chart {css_class}" '
        f'viewBox="0 0 {WIDTH} {_num(height)}" width="100%" role="img" '
        f'preserveAspectRatio="xMidYMid meet" font-family="{escape(FONT)}" font-size="13" '
        f'fill="{INK}">'
        f"<title>{escape(title)}</title>"
    )
    # Safe: every text put into the body was escaped where it was written.
    return mark_safe(head + "".join(body) + "</svg>")


def _empty(title: str, css_class: str) -> SafeString:
    body = [
        f'<text x="{WIDTH / 2}" y="30" text-anchor="middle" font-size="16" '
        f'font-weight="bold">{escape(title)}</text>',
        f'<text class="muted" fill="{MUTED}" x="{WIDTH / 2}" y="75" text-anchor="middle">'
        f"{escape(_('No published scores in this period.'))}</text>",
    ]
    return _svg(100, title, body, css_class)


def bar_chart(items: Sequence[tuple[str, Value]], *, title: str) -> SafeString:
    """Horizontal bars, one per item (a window's mean monthly score), in the order given.

    Up to about twenty items the bars are a comfortable 24 units apart; beyond, they
    close up so that the whole chart fits on one landscape A4 page of the PDF."""
    items = [(label, value) for label, value in items if value is not None]
    if not items:
        return _empty(title, "hall-chart-bars")
    low, high = axis_bounds([v for _label, v in items])
    pitch = max(9.0, min(24.0, 560 / len(items)))
    font = min(13.0, pitch * 0.72)
    top, left, right = 56.0, 270.0, 70.0
    plot = WIDTH - left - right
    height = top + pitch * len(items) + 36

    def x(value: float) -> float:
        return left + (min(max(value, low), high) - low) / (high - low) * plot

    body = [
        f'<text x="{WIDTH / 2}" y="24" text-anchor="middle" font-size="16" '
        f'font-weight="bold">{escape(title)}</text>'
    ]
    bottom = top + pitch * len(items)
    for tick in _ticks(low, high):
        tx = _num(x(tick))
        body.append(
            f'<line x1="{tx}" y1="{_num(top - 6)}" x2="{tx}" y2="{_num(bottom)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text class="muted" fill="{MUTED}" x="{tx}" y="{_num(bottom + 18)}" '
            f'text-anchor="middle" font-size="12">{tick}</text>'
        )
    for index, (label, value) in enumerate(items):
        y = top + index * pitch
        bar_width = max(x(float(value)) - left, 1.0)
        middle = _num(y + pitch / 2)
        body.append(
            f"<g><title>{escape(label)}: {_score(value)}</title>"
            f'<text x="{_num(left - 8)}" y="{middle}" text-anchor="end" '
            f'dominant-baseline="central" font-size="{_num(font)}">'
            f"{escape(_truncate(label, 20))}</text>"
            f'<rect x="{_num(left)}" y="{_num(y + pitch * 0.15)}" width="{_num(bar_width)}" '
            f'height="{_num(pitch * 0.7)}" fill="{BAR}"/>'
            f'<text x="{_num(left + bar_width + 6)}" y="{middle}" '
            f'dominant-baseline="central" font-size="{_num(font)}">{_score(value)}</text></g>'
        )
    body.append(
        f'<line x1="{_num(left)}" y1="{_num(top - 6)}" x2="{_num(left)}" '
        f'y2="{_num(bottom)}" stroke="{INK}" stroke-width="1"/>'
    )
    return _svg(height, title, body, "hall-chart-bars")


def line_chart(points: Sequence[tuple[str, Value]], *, title: str) -> SafeString:
    """A line through each month's mean score; a month without published scores is a
    gap in the line and is labelled so, not drawn as zero."""
    if not any(value is not None for _label, value in points):
        return _empty(title, "hall-chart-line")
    low, high = axis_bounds([v for _label, v in points])
    top, bottom_margin, left, right = 56.0, 44.0, 70.0, 40.0
    height = 340.0
    bottom = height - bottom_margin
    plot_w = WIDTH - left - right
    step = plot_w / len(points)

    def x(index: int) -> float:
        return left + step * (index + 0.5)

    def y(value: float) -> float:
        return bottom - (min(max(value, low), high) - low) / (high - low) * (bottom - top)

    body = [
        f'<text x="{WIDTH / 2}" y="24" text-anchor="middle" font-size="16" '
        f'font-weight="bold">{escape(title)}</text>'
    ]
    for tick in _ticks(low, high):
        ty = _num(y(tick))
        body.append(
            f'<line x1="{_num(left)}" y1="{ty}" x2="{_num(WIDTH - right)}" y2="{ty}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text class="muted" fill="{MUTED}" x="{_num(left - 8)}" y="{ty}" text-anchor="end" '
            f'dominant-baseline="central" font-size="12">{tick}</text>'
        )
    # The line, broken where a month has no published scores.
    segments: list[list[str]] = [[]]
    for index, (_label, value) in enumerate(points):
        if value is None:
            segments.append([])
        else:
            segments[-1].append(f"{_num(x(index))},{_num(y(float(value)))}")
    for segment in segments:
        if len(segment) > 1:
            body.append(
                f'<polyline points="{" ".join(segment)}" fill="none" stroke="{LINE}" '
                f'stroke-width="2.5"/>'
            )
    label_size = 12 if len(points) <= 6 else 11
    for index, (label, value) in enumerate(points):
        px = _num(x(index))
        body.append(
            f'<text x="{px}" y="{_num(bottom + 20)}" text-anchor="middle" '
            f'font-size="{label_size}">{escape(label)}</text>'
        )
        if value is None:
            gap = escape(_("not published"))  # outside the f-string, for makemessages
            body.append(
                f'<text class="muted" fill="{MUTED}" x="{px}" y="{_num(bottom - 8)}" '
                f'text-anchor="middle" font-size="11">{gap}</text>'
            )
            continue
        py = y(float(value))
        body.append(
            f"<g><title>{escape(label)}: {_score(value)}</title>"
            f'<circle cx="{px}" cy="{_num(py)}" r="4.5" fill="{LINE}"/>'
            f'<text x="{px}" y="{_num(py - 12)}" text-anchor="middle" '
            f'font-size="{label_size}">{_score(value)}</text></g>'
        )
    body.append(
        f'<line x1="{_num(left)}" y1="{_num(bottom)}" x2="{_num(WIDTH - right)}" '
        f'y2="{_num(bottom)}" stroke="{INK}" stroke-width="1"/>'
    )
    return _svg(height, title, body, "hall-chart-line")
