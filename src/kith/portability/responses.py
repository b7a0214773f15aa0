"""One's own data as HTTP: downloads of the export as files, and the files of an
upload read within their limit. Shared by the API and the pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from fastapi import UploadFile
from fastapi.responses import Response

from kith.portability.archive import archive_download
from kith.portability.export import connections_csv, connections_vcard, exported_connections
from kith.portability.linkedin import ImportRefused
from kith.runtime import Kith
from kith.web.deps import me

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


def connections_download(kith: Kith, member_id: int, format: Literal["csv", "vcard"]) -> Response:
    """The member's connections and private contacts as a CSV or vCard download."""
    media, extension, write = FORMATS[format]
    with kith.uow(write=False) as ctx:
        owner = me(ctx, member_id)
        body = write(exported_connections(ctx, owner))
        handle = owner.handle
    return attachment(body, media, f"kith-{handle}-connections.{extension}")


def archive_response(kith: Kith, member_id: int) -> Response:
    """The member's full archive as a JSON download."""
    with kith.uow(write=False) as ctx:
        archive = archive_download(ctx, me(ctx, member_id))
    return attachment(archive.body, archive.media_type, archive.filename)


def read_uploads(files: Sequence[UploadFile], max_mb: int) -> list[tuple[str, bytes]]:
    """The uploaded files' names and bytes; a file over the limit is refused without
    reading more of it than the limit."""
    out = []
    for upload in files:
        name = upload.filename or "upload"
        data = upload.file.read(max_mb * 2**20 + 1)
        if len(data) > max_mb * 2**20:
            raise ImportRefused(
                f"{name} is larger than {max_mb} MB; files up to {max_mb} MB can be imported.",
                code="import_too_large",
            )
        if data:
            out.append((name, data))
    if not out:
        raise ImportRefused(
            "Choose a file: the zip of your LinkedIn data export, or CSV files from it.",
            code="import_empty",
        )
    return out
