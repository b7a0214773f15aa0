"""The page downloads of one's own data, for a browser signed in with its session
cookie: the same files as ``GET /api/v1/me/export/...``. A signed-out visitor is sent
to sign in and comes back to the download."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from kith.portability.responses import archive_response, connections_download
from kith.web.deps import KithDep
from kith.web.render import MemberId

router = APIRouter(prefix="/me/data/export")


@router.get("/connections.csv")
def connections_csv(kith: KithDep, member_id: MemberId) -> Response:
    return connections_download(kith, member_id, "csv")


@router.get("/connections.vcf")
def connections_vcard(kith: KithDep, member_id: MemberId) -> Response:
    return connections_download(kith, member_id, "vcard")


@router.get("/archive.json")
def archive(kith: KithDep, member_id: MemberId) -> Response:
    return archive_response(kith, member_id)
