"""Charts as server-rendered SVG: no JavaScript, readable by screen readers.

Each chart is an ``<svg role="img">`` whose ``<title>`` names it and whose
``<desc>`` says in words what it shows, so the figure is there for people who
cannot see it. Sizes are in a fixed viewBox; CSS scales the chart to its column.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from markupsafe import Markup, escape

__all__ = ["bars", "columns", "guideline_bands", "heatmap", "loglog"]

_ids = itertools.count(1)
ACCENT = "#1f6feb"
MUTED = "#8b949e"
GRID = "#d0d7de"
TEXT = "#24292f"
FONT = 'font-family="system-ui, sans-serif"'


def _open(width: int, height: int, title: str, desc: str, css: str) -> str:
    n = next(_ids)
    return (
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="chart-t{n} chart-d{n}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        f'<title id="chart-t{n}">{escape(title)}</title><desc id="chart-d{n}">{escape(desc)}</desc>'
    )


def _text(
    x: float, y: float, s: str, *, anchor: str = "start", size: int = 12, fill: str = TEXT
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'{FONT} fill="{fill}">{escape(s)}</text>'
    )


def _svg(parts: list[str]) -> Markup:
    # Every piece of text that reaches the chart went through escape() above.
    return Markup("".join(parts))  # noqa: S704


def _clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def bars(title: str, items: Sequence[tuple[str, float, str]], *, width: int = 520) -> Markup:
    """Horizontal bars: ``(label, value, value_text)`` per row, longest bar = max value."""
    row, label_w, pad = 26, 170, 8
    height = max(1, len(items)) * row + pad
    top = max((v for _, v, _ in items), default=0) or 1
    desc = "; ".join(f"{label}: {text}" for label, _, text in items) or "No data."
    out = [_open(width, height, title, desc, "chart-bars")]
    bar_w = width - label_w - 70
    for i, (label, value, text) in enumerate(items):
        y = pad / 2 + i * row
        w = max(1.0, bar_w * value / top) if value > 0 else 0
        out.append(_text(label_w - 8, y + 17, _clip(label, 24), anchor="end"))
        out.append(
            f'<rect class="bar" x="{label_w}" y="{y + 4:.1f}" width="{w:.1f}" height="{row - 8}" '
            f'rx="3" fill="{ACCENT}"><title>{escape(label)}: {escape(text)}</title></rect>'
        )
        out.append(_text(label_w + w + 6, y + 17, text, fill=MUTED))
    out.append("</svg>")
    return _svg(out)


def columns(
    title: str,
    items: Sequence[tuple[str, int, int]],
    *,
    width: int = 640,
    height: int = 220,
) -> Markup:
    """Monthly columns ``(label, new, running_total)``: bars for new connections and
    a line for the running total on its own scale."""
    left, right, top_pad, bottom = 40, 50, 14, 36
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    n = max(1, len(items))
    top_new = max((c for _, c, _ in items), default=0) or 1
    top_total = max((t for _, _, t in items), default=0) or 1
    first, last = (items[0], items[-1]) if items else (("", 0, 0), ("", 0, 0))
    desc = (
        f"From {first[0]} to {last[0]}: {sum(c for _, c, _ in items)} new connections; "
        f"{last[2]} in total at the end."
    )
    out = [_open(width, height, title, desc, "chart-columns")]
    out.append(
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" '
        f'y2="{top_pad + plot_h}" stroke="{GRID}"/>'
    )
    out.append(_text(left - 6, top_pad + 10, str(top_new), anchor="end", size=11, fill=MUTED))
    out.append(_text(left + plot_w + 6, top_pad + 10, f"{top_total:,}", size=11, fill=MUTED))
    step = plot_w / n
    points = []
    for i, (label, new, total) in enumerate(items):
        x = left + i * step
        h = plot_h * new / top_new
        out.append(
            f'<rect class="bar" x="{x + step * 0.15:.1f}" y="{top_pad + plot_h - h:.1f}" '
            f'width="{step * 0.7:.1f}" height="{h:.1f}" fill="{ACCENT}">'
            f"<title>{escape(label)}: {new} new, {total} in total</title></rect>"
        )
        points.append(f"{x + step / 2:.1f},{top_pad + plot_h - plot_h * total / top_total:.1f}")
        if i % max(1, n // 6) == 0 or i == n - 1:
            out.append(
                _text(x + step / 2, height - 14, label, anchor="middle", size=11, fill=MUTED)
            )
    if points:
        out.append(
            f'<polyline class="line" points="{" ".join(points)}" fill="none" '
            f'stroke="{TEXT}" stroke-width="2"/>'
        )
    out.append("</svg>")
    return _svg(out)


def _log_x(value: float, lo: float, hi: float, x0: float, w: float) -> float:
    value = min(max(value, lo), hi)
    return x0 + w * (math.log10(value) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))


def guideline_bands(
    title: str,
    bands: Sequence[tuple[str, int, int | None]],
    count: int,
    *,
    width: int = 640,
) -> Markup:
    """Recommended ranges on a log scale with the member's count marked across them."""
    row, left, right, top_pad = 34, 170, 20, 26
    height = top_pad + row * len(bands) + 26
    lo, hi = 10.0, 20_000.0
    plot_w = width - left - right
    desc = f"You have {count:,} connections. " + "; ".join(
        f"{name}: {low:,}{'+' if high is None else f' to {high:,}'}" for name, low, high in bands
    )
    out = [_open(width, height, title, desc, "chart-bands")]
    for tick in (10, 100, 1_000, 10_000):
        x = _log_x(tick, lo, hi, left, plot_w)
        out.append(
            f'<line x1="{x:.1f}" y1="{top_pad - 6}" x2="{x:.1f}" y2="{height - 22}" '
            f'stroke="{GRID}"/>'
        )
        out.append(_text(x, height - 8, f"{tick:,}", anchor="middle", size=11, fill=MUTED))
    for i, (name, low, high) in enumerate(bands):
        y = top_pad + i * row
        x1 = _log_x(max(low, 1), lo, hi, left, plot_w)
        x2 = _log_x(high if high is not None else hi, lo, hi, left, plot_w)
        out.append(_text(left - 8, y + 18, name, anchor="end"))
        text = f"{low:,}–{high:,}" if high is not None else f"{low:,}+"
        out.append(
            f'<rect class="bar" x="{x1:.1f}" y="{y + 5}" width="{max(x2 - x1, 2):.1f}" '
            f'height="{row - 12}" rx="4" fill="{ACCENT}" fill-opacity="0.35">'
            f"<title>{escape(name)}: {text}</title></rect>"
        )
    xm = _log_x(max(count, 1), lo, hi, left, plot_w)
    out.append(
        f'<line class="marker" x1="{xm:.1f}" y1="{top_pad - 10}" x2="{xm:.1f}" '
        f'y2="{height - 22}" stroke="{TEXT}" stroke-width="2"/>'
    )
    out.append(_text(xm, top_pad - 12, f"You: {count:,}", anchor="middle", size=12))
    out.append("</svg>")
    return _svg(out)


def loglog(
    title: str,
    points: Sequence[tuple[int, int]],
    *,
    width: int = 640,
    height: int = 320,
) -> Markup:
    """Members per connection count on log-log axes (counts of 0 are left off the
    chart and said in the description)."""
    left, right, top_pad, bottom = 56, 16, 12, 40
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    shown = [(k, c) for k, c in points if k > 0 and c > 0]
    zero = sum(c for k, c in points if k == 0)
    max_k = max((k for k, _ in shown), default=10)
    max_c = max((c for _, c in shown), default=10)
    hi_x = 10 ** math.ceil(math.log10(max(max_k, 10)))
    hi_y = 10 ** math.ceil(math.log10(max(max_c, 10)))
    desc = (
        f"{len(shown)} distinct connection counts from 1 to {max_k:,}; the most common count "
        f"is held by {max_c:,} members. {zero:,} members have no connections (not plotted)."
    )
    out = [_open(width, height, title, desc, "chart-loglog")]

    def px(k: float) -> float:
        return _log_x(k, 1, hi_x, left, plot_w)

    def py(c: float) -> float:
        return top_pad + plot_h - (plot_h * math.log10(max(c, 1)) / math.log10(hi_y))

    d = 1
    while d <= hi_x:
        out.append(
            f'<line x1="{px(d):.1f}" y1="{top_pad}" x2="{px(d):.1f}" y2="{top_pad + plot_h}" '
            f'stroke="{GRID}"/>'
        )
        out.append(_text(px(d), height - 22, f"{d:,}", anchor="middle", size=11, fill=MUTED))
        d *= 10
    d = 1
    while d <= hi_y:
        out.append(
            f'<line x1="{left}" y1="{py(d):.1f}" x2="{left + plot_w}" y2="{py(d):.1f}" '
            f'stroke="{GRID}"/>'
        )
        out.append(_text(left - 6, py(d) + 4, f"{d:,}", anchor="end", size=11, fill=MUTED))
        d *= 10
    out.append(_text(left + plot_w / 2, height - 4, "connections (log)", anchor="middle", size=11))
    for k, c in shown:
        out.append(
            f'<circle class="point" cx="{px(k):.1f}" cy="{py(c):.1f}" r="2.5" fill="{ACCENT}" '
            f'fill-opacity="0.7"><title>{k:,} connections: {c:,} members</title></circle>'
        )
    out.append("</svg>")
    return _svg(out)


def heatmap(
    title: str,
    labels: Sequence[str],
    values: Sequence[Sequence[float]],
    texts: Sequence[Sequence[str]],
    *,
    cell: int = 30,
) -> Markup:
    """A square matrix as shaded cells (darker = larger), labels on both axes."""
    n = len(labels)
    left, top_pad = 170, 120
    width, height = left + n * cell + 110, top_pad + n * cell + 10  # room for slanted labels
    top = max((v for row in values for v in row), default=0) or 1
    strongest = max(
        ((values[i][j], labels[i], labels[j]) for i in range(n) for j in range(n) if i != j),
        default=(0, "", ""),
    )
    desc = f"{n} groups. " + (
        f"The strongest link between two different groups is {strongest[1]} and {strongest[2]}."
        if strongest[0]
        else "No links between different groups."
    )
    out = [_open(width, height, title, desc, "chart-heatmap")]
    for i, label in enumerate(labels):
        y = top_pad + i * cell
        out.append(_text(left - 6, y + cell * 0.65, _clip(label, 24), anchor="end", size=11))
        x = left + i * cell + cell / 2
        out.append(
            f'<text x="{x:.1f}" y="{top_pad - 6}" font-size="11" {FONT} fill="{TEXT}" '
            f'transform="rotate(-55 {x:.1f} {top_pad - 6})">{escape(_clip(label, 18))}</text>'
        )
        for j in range(n):
            v = values[i][j]
            opacity = 0.06 + 0.94 * (v / top) if v > 0 else 0.0
            out.append(
                f'<rect class="cell" x="{left + j * cell}" y="{y}" width="{cell - 2}" '
                f'height="{cell - 2}" fill="{ACCENT}" fill-opacity="{opacity:.3f}" '
                f'stroke="{GRID}"><title>{escape(labels[i])} – {escape(labels[j])}: '
                f"{escape(texts[i][j])}</title></rect>"
            )
    out.append("</svg>")
    return _svg(out)
