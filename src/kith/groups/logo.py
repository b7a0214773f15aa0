"""A group's logo, through the members' photo pipeline (:mod:`kith.members.photos`):
read and resized with no transaction open, stored by its content's key, then one
short transaction makes it the group's logo. A replaced logo's files go after the
commit unless a member's picture or another group's logo is the very same image."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from sqlalchemy import func, or_, select

from kith.groups import service
from kith.members.photos import PHOTO, Units, media_store, read_upload, render
from kith.models import Group, Member
from kith.uow import Ctx


def _used(ctx: Ctx, key: str) -> bool:
    members = select(func.count()).where(or_(Member.photo_key == key, Member.cover_key == key))
    groups = select(func.count()).where(Group.logo_key == key)
    return bool(ctx.session.scalar(members)) or bool(ctx.session.scalar(groups))


def _forget(ctx: Ctx, old: str | None, new: str | None) -> None:
    if old and old != new and not _used(ctx, old):
        store = media_store(ctx.settings)
        ctx.on_commit(lambda: store.remove(old))


def set_logo(
    units: Units, find: Callable[[Ctx], Member], group_id: int, stream: IO[bytes] | None
) -> str:
    """Make the upload the group's logo (owner and managers); its key. Refusals as for
    a profile photo: ``photo_missing``, ``photo_too_large``, ``photo_unsupported``,
    ``photo_too_small``."""
    settings = units.settings
    data = read_upload(stream, PHOTO, settings.photo_max_mb * 2**20)
    rendition = render(data, PHOTO, min_pixels=settings.photo_min_pixels)
    del data
    store = media_store(settings)
    created = store.save(rendition)
    try:
        with units.uow() as ctx:
            old = service.set_logo(ctx, find(ctx), group_id, rendition.key)
            _forget(ctx, old, rendition.key)
    except BaseException:
        if created:
            with units.uow(write=False) as ctx:
                if not _used(ctx, rendition.key):
                    store.remove(rendition.key)
        raise
    store.save(rendition)
    return rendition.key


def remove_logo(ctx: Ctx, manager: Member, group_id: int) -> None:
    old = service.set_logo(ctx, manager, group_id, None)
    ctx.session.flush()
    _forget(ctx, old, None)
