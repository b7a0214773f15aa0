"""The network map as a static SVG: the same layout the browser draws, for pages
without JavaScript and for the JSON archive.

Every member is a dot coloured by circle (a ring around it when they are in one of the
viewer's tiers), lines among them are drawn faintly (the longest ones left out past
:data:`MAX_LINES`, so a large map stays a few megabytes at most), and each circle's
label sits at its centre.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np

from kith.insights.map_layout import EXTENT
from kith.insights.network_map import NetworkMap

MAX_LINES = 12_000
TIER_RING = "#111827"


def _radius(links: int) -> float:
    return round(3.0 + math.sqrt(min(links, 400)) * 0.35, 1)


def render(found: NetworkMap, *, title: str = "Your network map") -> str:
    """The map as an SVG document (a string)."""
    size = int(EXTENT)
    where = {n.member.id: (n.x, n.y) for n in found.nodes}
    colour = {c.index: c.color for c in found.circles}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'role="img" aria-labelledby="netmap-svg-title" class="netmap-svg">',
        f'<title id="netmap-svg-title">{escape(title)}: {len(found.nodes)} connections '
        f"in {len(found.circles)} circles</title>",
        f'<rect width="{size}" height="{size}" fill="#ffffff"/>',
    ]
    edges = found.edges
    if len(edges) > MAX_LINES:
        length = np.array([abs(where[a][0] - where[b][0]) + abs(where[a][1] - where[b][1])
                           for a, b in edges])  # fmt: skip
        keep = np.argsort(length, kind="stable")[:MAX_LINES]
        edges = [edges[i] for i in sorted(keep.tolist())]
    parts.append('<g stroke="#9aa3af" stroke-opacity="0.25" stroke-width="0.6">')
    parts.extend(
        f'<line x1="{where[a][0]}" y1="{where[a][1]}" x2="{where[b][0]}" y2="{where[b][1]}"/>'
        for a, b in edges
    )
    parts.append("</g><g>")
    for n in found.nodes:
        fill = colour.get(n.community, "#8a8f98")
        ring = f' stroke="{TIER_RING}" stroke-width="1.6"' if n.tier else ""
        about = escape(n.member.name)
        if n.member.headline:
            about += " — " + escape(n.member.headline)
        if n.tier:
            about += f" ({escape(n.tier)})"
        parts.append(
            f'<circle cx="{n.x}" cy="{n.y}" r="{_radius(n.links)}" fill="{fill}"{ring}>'
            f"<title>{about}</title></circle>"
        )
    parts.append('</g><g font-family="sans-serif" font-size="15" text-anchor="middle">')
    for c in found.circles:
        pts = [(n.x, n.y) for n in found.nodes if n.community == c.index]
        if not pts:
            continue
        cx = sum(p[0] for p in pts) / len(pts)
        top = min(p[1] for p in pts)
        parts.append(
            f'<text x="{cx:.1f}" y="{max(top - 6, 14):.1f}" fill="#111827" stroke="#ffffff" '
            f'stroke-width="3" paint-order="stroke">{escape(c.label)} ({c.size})</text>'
        )
    parts.append("</g></svg>")
    return "".join(parts)
