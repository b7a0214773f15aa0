"""Pages for one's profile photo and cover image: the page that shows both with
their forms (``GET /me/photo``), and the form posts that upload or remove them.

The forms post multipart ``photo`` (or ``cover``) to ``POST /me/photo`` (``/me/cover``)
with the CSRF field and an optional ``next``, a path on this site to return to once
the picture is saved (the edit page by default). A refusal shows the photo page
with the same sentence as the API, keeping ``next`` so that a second try returns to
where the member came from. Any page may embed the forms with the
``members/_picture_forms.html`` macros.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from kith.errors import KithError
from kith.members import photos
from kith.models import Member
from kith.runtime import Kith
from kith.web.deps import KithDep, me
from kith.web.render import MemberId, local_path, nav_for, redirect, render

router = APIRouter()

Next = Annotated[str, Form()]
DEFAULT_NEXT = "/me/edit"


def pictures_context(member: Member, next_path: str = DEFAULT_NEXT) -> dict[str, Any]:
    """What the picture forms need: ``pictures`` (the member's photo and cover as the
    templates draw them, initials, limits) and ``next``."""
    return {
        "pictures": {
            "name": member.name,
            "initials": (member.first_name[:1] + member.last_name[:1]).upper() or "?",
            "photo": photos.photo_urls(member.photo_key),
            "cover": photos.cover_urls(member.cover_key),
        },
        "photo_next": next_path,
    }


def _page(
    request: Request,
    kith: Kith,
    member_id: int,
    next_path: str,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        context = pictures_context(member, next_path)
        nav = nav_for(ctx, member)
    context |= {"error": error, "max_mb": kith.settings.photo_max_mb}
    return render(request, "members/photo.html", context, nav=nav, status=status)


@router.get("/me/photo")
def photo_page(request: Request, kith: KithDep, member_id: MemberId, next: str = "") -> Response:
    return _page(request, kith, member_id, local_path(next, DEFAULT_NEXT))


def _upload(
    request: Request,
    kith: Kith,
    member_id: int,
    kind: photos.Kind,
    upload: UploadFile | None,
    next_path: str,
) -> Response:
    target = local_path(next_path, DEFAULT_NEXT)
    try:
        photos.set_picture(
            kith, lambda ctx: me(ctx, member_id), kind, upload.file if upload else None
        )
    except KithError as exc:
        return _page(request, kith, member_id, target, error=exc.message, status=exc.status)
    return redirect(request, target)


def _remove(
    request: Request, kith: Kith, member_id: int, kind: photos.Kind, next_path: str
) -> Response:
    with kith.uow() as ctx:
        photos.remove_picture(ctx, me(ctx, member_id), kind)
    return redirect(request, local_path(next_path, DEFAULT_NEXT))


@router.post("/me/photo")
def upload_photo(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    photo: Annotated[UploadFile | None, File()] = None,
    next: Next = "",
) -> Response:
    return _upload(request, kith, member_id, "photo", photo, next)


@router.post("/me/photo/remove")
def remove_photo(request: Request, kith: KithDep, member_id: MemberId, next: Next = "") -> Response:
    return _remove(request, kith, member_id, "photo", next)


@router.post("/me/cover")
def upload_cover(
    request: Request,
    kith: KithDep,
    member_id: MemberId,
    cover: Annotated[UploadFile | None, File()] = None,
    next: Next = "",
) -> Response:
    return _upload(request, kith, member_id, "cover", cover, next)


@router.post("/me/cover/remove")
def remove_cover(request: Request, kith: KithDep, member_id: MemberId, next: Next = "") -> Response:
    return _remove(request, kith, member_id, "cover", next)
