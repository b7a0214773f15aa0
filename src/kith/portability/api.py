"""Downloads of one's own data."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import Response

from kith.portability.archive import archive_download
from kith.portability.export import connections_csv, connections_vcard, exported_connections
from kith.web.deps import ApiMemberId, KithDep, me

router = APIRouter(prefix="/me/export", tags=["portability"])

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv", connections_csv),
    "vcard": ("text/vcard; charset=utf-8", "vcf", connections_vcard),
}


def attachment(body: str, media_type: str, filename: str) -> Response:
    """``body`` as a file download named ``filename``."""
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def connections_download(
    kith: KithDep, member_id: int, format: Literal["csv", "vcard"]
) -> Response:
    """The member's connections and private contacts as a CSV or vCard download."""
    media, extension, write = FORMATS[format]
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        body = write(exported_connections(ctx, owner))
        handle = owner.handle
    return attachment(body, media, f"kith-{handle}-connections.{extension}")


def archive_response(kith: KithDep, member_id: int) -> Response:
    """The member's full archive as a JSON download."""
    with kith.uow(write=False) as ctx:
        archive = archive_download(ctx, me(ctx, member_id))
    return attachment(archive.body, archive.media_type, archive.filename)


@router.get(
    "/connections",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "text/vcard": {}}}},
)
def export_connections(
    kith: KithDep, member_id: ApiMemberId, format: Literal["csv", "vcard"] = "csv"
) -> Response:
    """Your connections, then your private contacts, as a download: ``csv`` (LinkedIn's
    Connections.csv columns plus tags, tier, how we met, notes, last interaction and
    source) or ``vcard`` (vCard 4.0)."""
    return connections_download(kith, member_id, format)


@router.get(
    "/archive",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
def export_archive(kith: KithDep, member_id: ApiMemberId) -> Response:
    """Everything you own on Kith as one JSON document: account, profile, connections,
    invitations, follows, blocks, messages, relationship data, notifications, imports."""
    return archive_response(kith, member_id)
