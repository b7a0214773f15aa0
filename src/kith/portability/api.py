"""Downloads of one's own data."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import Response

from kith.portability.export import connections_csv, connections_vcard, exported_connections
from kith.web.deps import ApiMemberId, KithDep, me

router = APIRouter(prefix="/me/export", tags=["portability"])

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv", connections_csv),
    "vcard": ("text/vcard; charset=utf-8", "vcf", connections_vcard),
}


@router.get(
    "/connections",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "text/vcard": {}}}},
)
def export_connections(
    kith: KithDep, member_id: ApiMemberId, format: Literal["csv", "vcard"] = "csv"
) -> Response:
    """Your connections as a download: ``csv`` (LinkedIn's Connections.csv columns plus
    tags, tier, how we met, notes and last interaction) or ``vcard`` (vCard 4.0)."""
    media, extension, write = FORMATS[format]
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        body = write(exported_connections(ctx, owner))
        handle = owner.handle
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="kith-{handle}-connections.{extension}"'
        },
    )
