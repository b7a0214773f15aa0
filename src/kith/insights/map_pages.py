"""Pages: your network map (the picture, its circles, what it tells, and acting on a
circle), its SVG image and the data the browser draws it from."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import JSONResponse, Response

from kith.insights import map_svg, network_map
from kith.insights.map_schemas import NetworkMapOut
from kith.insights.network_map import NetworkMap
from kith.relationships.forms import Text, day_count
from kith.web.deps import KithDep, me
from kith.web.render import MemberId, nav_for, redirect, render, script_json

router = APIRouter()

CircleIndex = Annotated[int, Path(ge=0, le=1_000_000)]
# A map of up to this many members comes inside its page (one computation, no second
# request); a larger one is fetched by the browser when it is drawn (on a phone, only
# when asked for).
EMBED_MAX = 1000


def map_context(found: NetworkMap) -> dict[str, Any]:
    """What the map's templates show (the map page and the map on My insights)."""
    by_id = {n.member.id: n for n in found.nodes}
    circles = {c.index: c for c in found.circles}
    members: dict[int, list[str]] = {}
    for n in found.nodes:
        if n.community >= 0 and len(members.setdefault(n.community, [])) < 4:
            members[n.community].append(n.member.name)
    # Compact JSON text (a third smaller than the template's own ``tojson`` writes it).
    embedded = (
        script_json(NetworkMapOut.of(found).model_dump_json())
        if len(found.nodes) <= EMBED_MAX
        else None
    )
    return {
        "map": found,
        "map_data": embedded,
        "circles": circles,
        "by_id": by_id,
        "examples": members,
        "tiered": sorted({n.tier for n in found.nodes if n.tier}),
    }


@router.get("/insights/map")
def map_page(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        found = network_map.network_map(ctx, member)
        nav = nav_for(ctx, member)
        context = map_context(found)
    return render(request, "insights/map.html", context, nav=nav)


@router.get("/insights/map.svg")
def map_image(kith: KithDep, member_id: MemberId) -> Response:
    """The map as an SVG image (the picture without JavaScript)."""
    with kith.uow(write=False) as ctx:
        svg = map_svg.render(network_map.network_map(ctx, me(ctx, member_id)))
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "private, no-store"})


@router.get("/insights/map.json")
def map_data(kith: KithDep, member_id: MemberId) -> Response:
    """What the browser draws (the same as ``GET /api/v1/me/network-map``)."""
    with kith.uow(write=False) as ctx:
        out = NetworkMapOut.of(network_map.network_map(ctx, me(ctx, member_id)))
    return JSONResponse(out.model_dump(mode="json"), headers={"Cache-Control": "private, no-store"})


@router.post("/insights/map/circles/{index}/tag")
def tag_circle(
    request: Request,
    index: CircleIndex,
    kith: KithDep,
    member_id: MemberId,
    version: Annotated[str, Form(max_length=40)],
    tag: Annotated[str, Form(max_length=200)],
    cadence_days: Text = "",
) -> Response:
    """Tag every member of the circle (and optionally keep in touch with the tag)."""
    with kith.uow() as ctx:
        network_map.tag_circle(
            ctx, me(ctx, member_id), index, version, tag, day_count(cadence_days)
        )
    return redirect(request, "/insights/map#circles")
