"""A post's images: read, checked and resized through the profile photos' pipeline
(:mod:`kith.members.photos`), keeping each picture's own proportions.

An upload is read in chunks up to ``KITH_PHOTO_MAX_MB`` and decoded as JPEG, PNG or
WebP whatever its name (``photo_too_large``, ``photo_unsupported``, ``photo_too_small``
as for a profile photo), turned upright and kept at 600 and 1,200 pixels wide (never
enlarged) as WebP files with no metadata at all. A post holds at most
``KITH_POST_MAX_IMAGES`` images (``too_many_images``), each with alt text of at most
:data:`ALT_MAX` characters (``invalid_alt``).

As for profile photos, the slow work happens with no transaction open: the files are
written first (:func:`save`), the rows in one short transaction, and files that no
post refers to any more are removed after the commit (:func:`release`) or, when the
transaction fails, at once (:func:`discard`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from sqlalchemy import func, select

from kith.config import Settings
from kith.errors import Invalid
from kith.members.photos import POST, Rendition, Units, media_store, media_url, read_upload, render
from kith.models import PostImage
from kith.uow import Ctx

__all__ = [
    "ALT_MAX",
    "Picture",
    "Upload",
    "discard",
    "image_urls",
    "prepare",
    "release",
    "save",
]

#: The most characters of alt text an image may have.
ALT_MAX = 500


@dataclass(frozen=True, slots=True)
class Upload:
    """One uploaded file and the words that describe it."""

    stream: IO[bytes] | None
    alt: str = ""


@dataclass(frozen=True, slots=True)
class Picture:
    """An image ready to store: its files and its alt text."""

    rendition: Rendition
    alt: str

    @property
    def key(self) -> str:
        return self.rendition.key


def check_count(settings: Settings, count: int) -> None:
    most = settings.post_max_images
    if count > most:
        raise Invalid(
            f"A post can have at most {most} image{'' if most == 1 else 's'}; "
            f"this one has {count}.",
            code="too_many_images",
        )


def check_alt(alt: str) -> str:
    alt = " ".join((alt or "").split())
    if len(alt) > ALT_MAX:
        raise Invalid(
            f"Describe an image in at most {ALT_MAX} characters.",
            code="invalid_alt",
        )
    return alt


def prepare(settings: Settings, uploads: Sequence[Upload]) -> list[Picture]:
    """Read, check and resize every upload (no database, no files written)."""
    check_count(settings, len(uploads))
    alts = [check_alt(u.alt) for u in uploads]
    pictures = []
    for upload, alt in zip(uploads, alts, strict=True):
        data = read_upload(upload.stream, POST, settings.photo_max_mb * 2**20)
        pictures.append(Picture(render(data, POST), alt))
    return pictures


def save(settings: Settings, pictures: Sequence[Picture]) -> list[str]:
    """Write the pictures' files; the keys of those that were not stored already."""
    store = media_store(settings)
    return [p.key for p in pictures if store.save(p.rendition)]


def _used(ctx: Ctx, keys: Iterable[str], *, besides: Iterable[int] = ()) -> set[str]:
    stmt = select(PostImage.media_key).where(PostImage.media_key.in_(set(keys)))
    skipped = list(besides)
    if skipped:
        stmt = stmt.where(PostImage.id.not_in(skipped))
    return set(ctx.session.scalars(stmt.group_by(PostImage.media_key)))


def discard(units: Units, keys: Sequence[str]) -> None:
    """Remove the files of ``keys`` that no post refers to (after a failed transaction)."""
    if not keys:
        return
    with units.uow(write=False) as ctx:
        used = _used(ctx, keys)
    store = media_store(units.settings)
    for key in set(keys) - used:
        store.remove(key)


def release(ctx: Ctx, images: Sequence[PostImage]) -> None:
    """After this unit of work commits, remove the files of ``images`` (rows being
    deleted) that no other post's image shares."""
    if not images:
        return
    keys = {i.media_key for i in images}
    used = _used(ctx, keys, besides=[i.id for i in images])
    store = media_store(ctx.settings)
    for key in sorted(keys - used):
        ctx.on_commit(lambda key=key: store.remove(key))  # type: ignore[misc]


def still_stored(units: Units, pictures: Sequence[Picture]) -> None:
    """Put back files that a concurrent deletion of an identical picture removed
    between :func:`save` and the commit."""
    store = media_store(units.settings)
    for picture in pictures:
        store.save(picture.rendition)


def image_urls(key: str) -> dict[str, str]:
    """An image's files as templates draw them: ``{"sm": url, "lg": url}``."""
    return {name: media_url(key, width) for name, width in POST.page_sizes}


def count_images(ctx: Ctx, post_id: int) -> int:
    return int(
        ctx.session.scalar(
            select(func.count()).select_from(PostImage).where(PostImage.post_id == post_id)
        )
        or 0
    )
