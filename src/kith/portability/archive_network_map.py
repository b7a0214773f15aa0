"""The network map part of a member's archive: the picture of their connections as
SVG (the image the map page shows without JavaScript) with its circles, each labelled
and with its members' handles.

The map needs this process's network engine; an archive made without one (the engine
not running) says so instead of the picture. With the engine it reads
:data:`NETWORK_MAP_QUERY_COUNT` statements, whatever the size of the network.
"""

from __future__ import annotations

from typing import Any

from kith.insights import map_svg, network_map
from kith.models import Member
from kith.uow import Ctx

#: The statements :func:`network_map_archive` runs when the network engine runs
#: (blocks, connections, positions, education, private records, tags).
NETWORK_MAP_QUERY_COUNT = 6


def network_map_archive(ctx: Ctx, member: Member) -> dict[str, Any]:
    """``image_svg`` (the picture), ``circles`` (label, size, members' handles) and
    ``in_no_circle`` (handles); ``image_svg`` is null without the network engine."""
    if ctx.graph is None:
        return {"image_svg": None, "note": "The network engine was not running.",
                "circles": [], "in_no_circle": []}  # fmt: skip
    found = network_map.network_map(ctx, member)
    handles: dict[int, list[str]] = {}
    for n in found.nodes:
        handles.setdefault(n.community, []).append(n.member.handle)
    return {
        "image_svg": map_svg.render(found, title=f"{member.name}'s network map"),
        "algorithm": found.algorithm,
        "modularity": round(found.modularity, 4),
        "circles": [
            {"label": c.label, "size": c.size, "members": handles.get(c.index, [])}
            for c in found.circles
        ],
        "in_no_circle": handles.get(-1, []),
    }
