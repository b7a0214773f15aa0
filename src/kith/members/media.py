"""The picture files: ``GET /media/<key>/<width>.webp``.

A picture's URL holds the hash of its content, so it never changes meaning: it is
served with a year's ``Cache-Control: public, immutable`` and an ETag, without a
session (like the profile's name beside it, a photo is for whoever is shown the
page; the key cannot be guessed). A malformed key or width, or a picture no longer
stored, is a plain 404. No database is read.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kith.members.photos import media_store
from kith.web.deps import KithDep

router = APIRouter()

NAME = re.compile(r"(\d{2,4})\.webp")
CACHE = "public, max-age=31536000, immutable"


def _missing() -> Response:
    """A plain 404 (no page around it: the answer is for an image element)."""
    return Response("There is no such picture.", status_code=404, media_type="text/plain")


@router.api_route("/media/{key}/{name}", methods=["GET", "HEAD"])
def media(request: Request, key: str, name: str, kith: KithDep) -> Response:
    match = NAME.fullmatch(name)
    path = media_store(kith.settings).file(key, int(match.group(1))) if match else None
    if path is None:
        return _missing()
    etag = f'"{key}-{name.removesuffix(".webp")}"'
    headers = {"Cache-Control": CACHE, "ETag": etag, "X-Content-Type-Options": "nosniff"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    try:
        body = path.read_bytes()
    except OSError:
        return _missing()  # removed since it was found
    return Response(body, media_type="image/webp", headers=headers)
