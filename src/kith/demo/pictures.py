"""Pictures for the demo community: a share of members get a photo (a soft colour
background with a head-and-shoulders silhouette) and a few a cover image (a soft
gradient with circles), drawn with Pillow and stored through the same pipeline as
an upload (:mod:`kith.members.photos`).

Keys are content hashes, so members drawn alike share one set of files: a few dozen
pictures serve a community of any size in well under a second.
"""

from __future__ import annotations

import colorsys
import io
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw
from sqlalchemy import update

from kith.members import photos
from kith.models import Member
from kith.uow import Ctx

__all__ = ["PHOTO_SHARE", "COVER_SHARE", "give_pictures"]

PHOTO_SHARE = 0.6  # of members with a photo
COVER_SHARE = 0.2  # of members with a cover image
PHOTO_VARIANTS = 24
COVER_VARIANTS = 8
SIDE = 400


def _colour(hue: float, saturation: float, value: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(hue % 1.0, saturation, value)
    return round(r * 255), round(g * 255), round(b * 255)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def portrait(hue: float, variant: int) -> bytes:
    """A head-and-shoulders silhouette on a soft background, as PNG bytes."""
    image = Image.new("RGB", (SIDE, SIDE), _colour(hue, 0.28, 0.93))
    draw = ImageDraw.Draw(image)
    figure = _colour(hue + 0.05 * (variant - 1), 0.45, 0.55 + 0.1 * variant)
    head = 78 + 8 * variant  # radius
    cx, cy = SIDE // 2, 165
    draw.ellipse((cx - 150, 290, cx + 150, 560), fill=figure)  # shoulders
    draw.rectangle((cx - 34, cy + head - 20, cx + 34, 300), fill=figure)  # neck
    draw.ellipse((cx - head, cy - head, cx + head, cy + head), fill=figure)  # head
    return _png(image)


def cover(hue: float) -> bytes:
    """A soft horizontal gradient with a few circles, as PNG bytes (4:1)."""
    width, height = 1584, 396
    left = np.array(_colour(hue, 0.35, 0.85), dtype=np.float32)
    right = np.array(_colour(hue + 0.12, 0.45, 0.65), dtype=np.float32)
    t = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :, None]
    pixels = (left * (1 - t) + right * t).repeat(height, axis=0).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    draw = ImageDraw.Draw(image)
    ring = _colour(hue + 0.5, 0.15, 0.95)
    for i in range(5):
        r = 60 + 35 * i
        cx = 220 + 290 * i
        draw.ellipse(
            (cx - r, height - r // 2 - r, cx + r, height - r // 2 + r), outline=ring, width=6
        )
    return _png(image)


def _keys(ctx: Ctx, drawings: Sequence[bytes], shape: photos.Shape) -> list[str]:
    store = photos.media_store(ctx.settings)
    keys = []
    for data in drawings:
        rendition = photos.render(data, shape)
        store.save(rendition)
        keys.append(rendition.key)
    return keys


def give_pictures(
    ctx: Ctx, member_ids: Sequence[int], seed: int, *, always: Sequence[int] = ()
) -> int:
    """Give a share of ``member_ids`` a photo and a smaller share a cover image, the
    same for the same seed (the members in ``always`` get both); returns the number
    of photos given."""
    rng = np.random.default_rng(seed * 7919 + 17)  # apart from the community's own draws
    hues = rng.random(PHOTO_VARIANTS)
    photo_keys = _keys(ctx, [portrait(float(h), i % 3) for i, h in enumerate(hues)], photos.PHOTO)
    cover_keys = _keys(ctx, [cover(float(h)) for h in rng.random(COVER_VARIANTS)], photos.COVER)
    ids = np.asarray(member_ids, dtype=np.int64)
    with_photo = rng.random(ids.size) < PHOTO_SHARE
    with_cover = rng.random(ids.size) < COVER_SHARE
    chosen = np.isin(ids, np.asarray(always, dtype=np.int64))
    with_photo |= chosen
    with_cover |= chosen
    photo_of = rng.integers(0, len(photo_keys), ids.size)
    cover_of = rng.integers(0, len(cover_keys), ids.size)
    rows = [
        {
            "id": int(ids[i]),
            "photo_key": photo_keys[int(photo_of[i])] if with_photo[i] else None,
            "cover_key": cover_keys[int(cover_of[i])] if with_cover[i] else None,
        }
        for i in range(ids.size)
        if with_photo[i] or with_cover[i]
    ]
    if rows:
        ctx.session.execute(update(Member), rows)
    return int(with_photo.sum())
