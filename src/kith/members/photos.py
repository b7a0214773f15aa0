"""Profile photos, cover images and post images: the rules for an uploaded picture,
and its files.

An upload is read in chunks up to ``KITH_PHOTO_MAX_MB`` (``photo_too_large`` past
it), decoded with Pillow as JPEG, PNG or WebP whatever its name or stated type
(``photo_unsupported`` for anything else, a damaged or truncated file, or one that
decodes to more than :data:`MAX_PIXELS`), turned upright by its EXIF orientation,
refused when smaller than the shape's minimum (``photo_too_small``), centre-cropped
to its shape (square for a photo, 4:1 for a cover image; a post's image keeps its
own proportions and is never enlarged) and resized to each width the pages and the
API use. The files are WebP with no metadata at all (no EXIF, no
ICC profile, no XMP): a phone's GPS position never leaves the server.

The files of one picture live in ``<data_dir>/media/<key[:2]>/<key>/<width>.webp``,
where ``key`` is a hash of the files' bytes: a new picture has a new key and so new
URLs, which the server lets browsers cache for a year. The member row keeps the key.

The order of the work keeps the database transaction short and leaves nothing
half-written: read, decode and resize with no transaction open; write the folder
under a temporary name and rename it into place; then one short transaction sets
the key; files no member refers to any more are removed after the commit. Identical
pictures share their files (the key is the content), so a folder is removed only
when no member row names it.

Examples
--------
>>> PHOTO.size(96), COVER.size(792), POST.size(600, (3000, 2000)), POST.size(1200, (800, 600))
((96, 96), (792, 198), (600, 400), (800, 600))
>>> media_url("0123456789abcdef0123456789abcdef", 96)
'/media/0123456789abcdef0123456789abcdef/96.webp'
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import struct
import uuid
import warnings
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal, Protocol

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from sqlalchemy import func, or_, select

from kith.config import Settings
from kith.errors import Invalid
from kith.models import Member
from kith.uow import Ctx

__all__ = [
    "COVER",
    "FORMATS",
    "MAX_PIXELS",
    "PHOTO",
    "POST",
    "SHAPES",
    "Kind",
    "MediaStore",
    "PhotoRefused",
    "Rendition",
    "Shape",
    "api_urls",
    "cover_urls",
    "media_store",
    "media_url",
    "photo_urls",
    "read_upload",
    "release",
    "remove_picture",
    "render",
    "set_picture",
]

Kind = Literal["photo", "cover", "post"]
#: The formats accepted, as Pillow names them (decided by decoding, not by name).
FORMATS = ("JPEG", "PNG", "WEBP")
#: The most pixels an upload may decode to (50 megapixels: a large phone photo is
#: about 12 to 48). More is refused before the pixels are decoded.
MAX_PIXELS = 50_000_000
CHUNK = 64 * 1024
KEY = re.compile(r"[0-9a-f]{32}")
WEBP_QUALITY = 82

# Pillow's own guard, for any decoding done elsewhere in the process: it warns past
# this many pixels and refuses at twice as many. Here both are refusals.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
ImageFile.LOAD_TRUNCATED_IMAGES = False


@dataclass(frozen=True, slots=True)
class Shape:
    """A kind of picture: its proportions, the widths it is kept at, and the smallest
    upload it accepts."""

    kind: Kind
    noun: str  # as a sentence names it
    ratio: tuple[int, int] | None  # width : height; None keeps the picture's own
    widths: tuple[int, ...]  # smallest first
    min_size: tuple[int, int]
    #: The widths the pages draw it at, by the names templates use.
    page_sizes: tuple[tuple[str, int], ...]

    def size(self, width: int, source: tuple[int, int] | None = None) -> tuple[int, int]:
        """The size of the file kept for ``width``: the shape's proportions, or for a
        shape without them the ``source`` picture's, never larger than the source."""
        if self.ratio is not None:
            return width, width * self.ratio[1] // self.ratio[0]
        if source is None:
            raise ValueError(f"a {self.noun} is sized from its source picture")
        source_w, source_h = source
        if source_w <= width:
            return source_w, source_h
        return width, max(1, round(source_h * width / source_w))


# The avatar is 2.75rem in lists and 5.5rem on a profile (44 and 88 CSS pixels):
# 96 and 200 serve both at twice the density; 48 and 400 are for API clients.
PHOTO = Shape("photo", "photo", (1, 1), (48, 96, 200, 400), (100, 100), (("sm", 96), ("lg", 200)))
# LinkedIn's cover proportions (1584 x 396), and half that for narrow screens.
COVER = Shape("cover", "cover image", (4, 1), (792, 1584), (400, 100), (("sm", 792), ("lg", 1584)))
# A post's image: its own proportions, 600 pixels wide in the feed's column (and for
# phones at twice the density), 1200 for wide screens and the permalink page.
POST = Shape("post", "image", None, (600, 1200), (100, 100), (("sm", 600), ("lg", 1200)))
SHAPES: dict[str, Shape] = {"photo": PHOTO, "cover": COVER, "post": POST}
WIDTHS = frozenset(w for shape in SHAPES.values() for w in shape.widths)


class PhotoRefused(Invalid):
    """An upload that cannot become a picture; nothing was stored."""

    code = "photo_unsupported"


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


# -- reading and decoding -----------------------------------------------------------------


def read_upload(stream: IO[bytes] | None, shape: Shape, max_bytes: int) -> bytes:
    """The upload's bytes, read in chunks and never more than one past ``max_bytes``.

    Raises ``photo_missing`` for no file or an empty one, ``photo_too_large`` past
    the limit (413).
    """
    if stream is None:
        raise PhotoRefused(f"Choose a {shape.noun} to upload.", code="photo_missing")
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(CHUNK, max_bytes + 1 - total))
        if not chunk:
            break
        total += len(chunk)
        if total > max_bytes:
            raise PhotoRefused(
                f"That {shape.noun} is larger than {_mb(max_bytes)}; choose one of up to "
                f"{_mb(max_bytes)}.",
                code="photo_too_large",
                status=413,
            )
        chunks.append(chunk)
    if not total:
        raise PhotoRefused(f"Choose a {shape.noun} to upload.", code="photo_missing")
    return b"".join(chunks)


def _unsupported(shape: Shape) -> PhotoRefused:
    return PhotoRefused(
        f"That file is not a JPEG, PNG or WebP image that can be read; choose a "
        f"{shape.noun} in one of those formats."
    )


def _decode(data: bytes, shape: Shape) -> Image.Image:
    """The upload's first frame, decoded and upright, or a refusal."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            if image.width * image.height > MAX_PIXELS:
                raise _unsupported(shape)
            image.load()
            upright = ImageOps.exif_transpose(image)
    except PhotoRefused:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        IndexError,
        KeyError,
        TypeError,
        struct.error,
    ) as exc:
        raise _unsupported(shape) from exc
    return upright


def _rgb(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when the image has transparency (WebP keeps it)."""
    alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    return image.convert("RGBA" if alpha else "RGB")


@dataclass(frozen=True, slots=True)
class Rendition:
    """A picture ready to store: its key and its WebP files by width."""

    shape: Shape
    key: str
    files: dict[int, bytes]
    #: The largest file's size in pixels.
    size: tuple[int, int] = (0, 0)


def render(data: bytes, shape: Shape, *, min_pixels: int | None = None) -> Rendition:
    """Decode ``data`` and make every width of ``shape`` from it (no database, no files).

    Raises ``photo_unsupported`` or ``photo_too_small``; ``min_pixels`` overrides the
    smaller side of the shape's minimum (``KITH_PHOTO_MIN_PIXELS`` for photos).
    """
    image = _decode(data, shape)
    need_w, need_h = shape.min_size
    if min_pixels is not None and shape.kind == "photo":
        need_w = need_h = min_pixels
    if image.width < need_w or image.height < need_h:
        raise PhotoRefused(
            f"That {shape.noun} is {image.width} × {image.height} pixels; choose one of at "
            f"least {need_w} × {need_h} pixels.",
            code="photo_too_small",
        )
    return rendition_of(image, shape)


def rendition_of(image: Image.Image, shape: Shape) -> Rendition:
    """Crop ``image`` to ``shape`` around its centre (or, for a shape without
    proportions, keep the whole picture) and encode every width."""
    source = (image.width, image.height)
    target = shape.size(shape.widths[-1], source)
    if shape.ratio is None:
        largest = _rgb(image)
        if target != source:
            largest = largest.resize(target, Image.Resampling.LANCZOS)
    else:
        largest = ImageOps.fit(_rgb(image), target, method=Image.Resampling.LANCZOS)
    files: dict[int, bytes] = {}
    digest = hashlib.sha256(shape.kind.encode())
    for width in shape.widths:
        size = shape.size(width, source)
        scaled = largest if size == largest.size else largest.resize(size, Image.Resampling.LANCZOS)
        clean = Image.new(scaled.mode, scaled.size)  # no info, no EXIF, no ICC profile
        clean.paste(scaled)
        out = io.BytesIO()
        clean.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
        files[width] = out.getvalue()
        digest.update(files[width])
    return Rendition(shape, digest.hexdigest()[:32], files, largest.size)


# -- files ------------------------------------------------------------------------------


def media_url(key: str, width: int) -> str:
    return f"/media/{key}/{width}.webp"


def _urls(key: str | None, shape: Shape) -> dict[str, str] | None:
    if not key:
        return None
    return {name: media_url(key, width) for name, width in shape.page_sizes}


def photo_urls(key: str | None) -> dict[str, str] | None:
    """A member's photo as templates draw it: ``{"sm": url, "lg": url}``, or None."""
    return _urls(key, PHOTO)


def cover_urls(key: str | None) -> dict[str, str] | None:
    """A member's cover image as templates draw it: ``{"sm": url, "lg": url}``, or None."""
    return _urls(key, COVER)


def api_urls(key: str | None, shape: Shape) -> dict[str, str] | None:
    """Every width of a picture for the API: ``{"96": url, ...}``, or None."""
    if not key:
        return None
    return {str(width): media_url(key, width) for width in shape.widths}


class MediaStore:
    """The picture folders under one root (``<data_dir>/media``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, key: str) -> Path:
        return self.root / key[:2] / key

    def file(self, key: str, width: int) -> Path | None:
        """The file of ``key`` at ``width``, if both are well-formed and it exists."""
        if not KEY.fullmatch(key) or width not in WIDTHS:
            return None
        path = self.folder(key) / f"{width}.webp"
        return path if path.is_file() else None

    def save(self, rendition: Rendition) -> bool:
        """Write the rendition's folder whole (a temporary folder renamed into place);
        False when that picture was already stored."""
        final = self.folder(rendition.key)
        if final.is_dir():
            return False
        work = self.root / ".incoming" / uuid.uuid4().hex
        work.mkdir(parents=True)
        try:
            for width, body in rendition.files.items():
                with open(work / f"{width}.webp", "wb") as f:
                    f.write(body)
                    f.flush()
                    os.fsync(f.fileno())
            final.parent.mkdir(parents=True, exist_ok=True)
            try:
                work.rename(final)
            except OSError:
                if final.is_dir():  # the same picture, stored at the same moment
                    return False
                raise
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return True

    def remove(self, key: str) -> None:
        if KEY.fullmatch(key):
            shutil.rmtree(self.folder(key), ignore_errors=True)


def media_store(settings: Settings) -> MediaStore:
    return MediaStore(Path(settings.data_dir) / "media")


# -- the actions --------------------------------------------------------------------------


class Units(Protocol):
    """What runs the steps: settings and units of work (a :class:`kith.runtime.Kith`)."""

    settings: Settings

    def uow(self, *, write: bool = True) -> AbstractContextManager[Ctx]: ...


def _column(shape: Shape) -> str:
    return f"{shape.kind}_key"


def release(ctx: Ctx, keys: Iterable[str | None], *, member_id: int) -> None:
    """After this unit of work commits, remove the folders of ``keys`` that no member
    but ``member_id`` refers to (identical pictures share a folder)."""
    wanted = {k for k in keys if k}
    if not wanted:
        return
    used = set(
        ctx.session.scalars(
            select(Member.photo_key).where(Member.id != member_id, Member.photo_key.in_(wanted))
        )
    ) | set(
        ctx.session.scalars(
            select(Member.cover_key).where(Member.id != member_id, Member.cover_key.in_(wanted))
        )
    )
    store = media_store(ctx.settings)
    for key in sorted(wanted - used):
        ctx.on_commit(lambda key=key: store.remove(key))  # type: ignore[misc]


def _still_used(ctx: Ctx, key: str) -> bool:
    return bool(
        ctx.session.scalar(
            select(func.count())
            .select_from(Member)
            .where(or_(Member.photo_key == key, Member.cover_key == key))
        )
    )


def set_picture(
    units: Units,
    find: Callable[[Ctx], Member],
    kind: Kind,
    stream: IO[bytes] | None,
) -> str:
    """Make the upload ``stream`` the member's photo or cover image; its key.

    Refusals (nothing stored): ``photo_missing``, ``photo_too_large``,
    ``photo_unsupported``, ``photo_too_small``.
    """
    settings = units.settings
    shape = SHAPES[kind]
    data = read_upload(stream, shape, settings.photo_max_mb * 2**20)
    rendition = render(data, shape, min_pixels=settings.photo_min_pixels)
    del data
    store = media_store(settings)
    created = store.save(rendition)
    try:
        with units.uow() as ctx:
            member = find(ctx)
            # The row locked and read afresh: two uploads at once replace one another
            # in turn, and each removes the files of the picture it replaced.
            ctx.session.refresh(member, [_column(shape)], with_for_update=True)
            old = getattr(member, _column(shape))
            setattr(member, _column(shape), rendition.key)
            if old != rendition.key:
                release(ctx, [old], member_id=member.id)
            ctx.session.flush()
    except BaseException:
        if created:
            with units.uow(write=False) as ctx:
                if not _still_used(ctx, rendition.key):
                    store.remove(rendition.key)
        raise
    # A member who dropped the same picture at this very moment may have removed the
    # shared folder after this one found it: put it back.
    store.save(rendition)
    return rendition.key


def remove_picture(ctx: Ctx, member: Member, kind: Kind) -> None:
    """Remove the member's photo or cover image (nothing to remove is no refusal);
    the files go after the commit unless another member has the same picture."""
    column = _column(SHAPES[kind])
    ctx.session.refresh(member, [column], with_for_update=True)
    old = getattr(member, column)
    if old is None:
        return
    setattr(member, column, None)
    release(ctx, [old], member_id=member.id)
    ctx.session.flush()
