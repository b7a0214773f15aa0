"""Who may read a post: the one rule every read path applies.

A member sees a post when neither has blocked the other, its author's account is
active, and the member is in its audience:

- ``anyone``: every member;
- ``connections``: the author's connections;
- ``tier`` / ``tag``: the author's connections that the author keeps in that tier or
  tag (a tier or tag since deleted reaches no one); the audience never learns its name;
- ``only_me``: no one but the author;
- ``group``: whoever may read inside the group (:func:`group_readable`: its members,
  and for a public group anyone but a member it banned); a new member's post waiting
  for approval (``awaiting_approval``) only its author and the group's managers.

The author always sees their own posts. A repost is visible only to a member who may
see both the repost and the original, so a repost never widens the original's
audience. Anything outside these rules reads as if it did not exist: the refusal is
``post_not_found``, never ``forbidden``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, exists, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import AliasedClass

from kith.connections.queries import block_exists
from kith.errors import NotFound
from kith.idlists import id_in_named, id_value, is_postgres
from kith.models import Connection, Contact, ContactTag, Group, GroupMember, Member, Post
from kith.uow import Ctx

#: The reader: a member's id, or a bound parameter standing for one in a statement built once.
Viewer = int | ColumnElement[int]

POST_NOT_FOUND = "There is no such post, or it isn't shared with you."


def post_not_found() -> NotFound:
    return NotFound(POST_NOT_FOUND, code="post_not_found")


def _connected(viewer_id: Viewer, author: Any) -> ColumnElement[bool]:
    return or_(
        exists().where(Connection.member_lo_id == viewer_id, Connection.member_hi_id == author),
        exists().where(Connection.member_hi_id == viewer_id, Connection.member_lo_id == author),
    )


# Aliases, made once (an alias made per statement costs more than the query): the
# statement around may itself read groups and their members.
_ROW = aliased(GroupMember, name="audience_group_member")
_GROUP = aliased(Group, name="audience_group")


def _in_group(viewer_id: Viewer, group_id: Any, *statuses: str) -> ColumnElement[bool]:
    row = _ROW
    return exists().where(
        row.group_id == group_id, row.member_id == viewer_id, row.status.in_(statuses)
    )


def group_readable(viewer_id: Viewer, group_id: Any) -> ColumnElement[bool]:
    """SQL: ``viewer_id`` may read inside the group ``group_id`` (its members and its
    posts): a member may; anyone may in a public group, except a member it banned."""
    public = exists().where(_GROUP.id == group_id, _GROUP.kind == "public")
    return or_(
        _in_group(viewer_id, group_id, "member"),
        and_(public, ~_in_group(viewer_id, group_id, "banned")),
    )


def group_manager(viewer_id: Viewer, group_id: Any) -> ColumnElement[bool]:
    """SQL: ``viewer_id`` owns or manages the group ``group_id``."""
    row = _ROW
    return exists().where(
        row.group_id == group_id,
        row.member_id == viewer_id,
        row.status == "member",
        row.role.in_(("owner", "manager")),
    )


def _own_audience(viewer_id: Viewer, post: Any) -> ColumnElement[bool]:
    """``post`` (the Post class or an alias) is readable by ``viewer_id`` on its own
    terms, leaving reposts aside."""
    in_contacts = select(Contact.id).where(
        Contact.owner_id == post.author_id, Contact.other_id == viewer_id
    )
    in_tier = in_contacts.where(Contact.tier_id == post.audience_tier_id).exists()
    in_tag = (
        in_contacts.join(ContactTag, ContactTag.contact_id == Contact.id)
        .where(ContactTag.tag_id == post.audience_tag_id)
        .exists()
    )
    author_active = (
        select(Member.id).where(Member.id == post.author_id, Member.is_active.is_(True)).exists()
    )
    connected = _connected(viewer_id, post.author_id)
    return or_(
        post.author_id == viewer_id,
        and_(
            author_active,
            ~block_exists(viewer_id, post.author_id),
            or_(
                post.audience == "anyone",
                and_(post.audience == "connections", connected),
                and_(
                    post.audience == "tier", post.audience_tier_id.is_not(None), connected, in_tier
                ),
                and_(post.audience == "tag", post.audience_tag_id.is_not(None), connected, in_tag),
                and_(
                    post.audience == "group",
                    post.audience_group_id.is_not(None),
                    group_readable(viewer_id, post.audience_group_id),
                    or_(
                        post.awaiting_approval.is_(False),
                        group_manager(viewer_id, post.audience_group_id),
                    ),
                ),
            ),
        ),
    )


def visible_to(
    viewer_id: Viewer, post: type[Post] | AliasedClass[Post] = Post
) -> ColumnElement[bool]:
    """SQL: ``viewer_id`` may read ``post`` (and, for a repost, its original)."""
    original = aliased(Post)
    original_visible = (
        select(original.id)
        .where(original.id == post.repost_of_id, _own_audience(viewer_id, original))
        .exists()
    )
    return and_(
        _own_audience(viewer_id, post),
        or_(post.repost_of_id.is_(None), original_visible),
    )


def can_see(ctx: Ctx, viewer_id: int, post_id: int) -> bool:
    return bool(
        ctx.session.scalar(select(exists().where(Post.id == post_id, visible_to(viewer_id))))
    )


def visible_post(ctx: Ctx, viewer_id: int, post_id: int) -> Post:
    """The post if ``viewer_id`` may read it; otherwise ``post_not_found``."""
    post = ctx.session.scalar(select(Post).where(Post.id == post_id, visible_to(viewer_id)))
    if post is None:
        raise post_not_found()
    return post


def among_statement(postgres: bool, reader: ColumnElement[int]) -> Select[Any]:
    """SQL: the posts among ``:ids`` (bound with :func:`kith.idlists.id_value`) that
    ``reader``, a bound parameter, may read; for statements built once per kind of
    database: building the rule and its cache key for each call cost more than running
    it."""
    return select(Post).where(id_in_named(Post.id, "ids", postgres=postgres), visible_to(reader))


_AMONG = {
    postgres: among_statement(postgres, bindparam("viewer_id", type_=Integer))
    for postgres in (False, True)
}


def readable_among(ctx: Ctx, viewer_id: int, ids: Sequence[int]) -> list[Post]:
    """The posts among ``ids`` that ``viewer_id`` may read."""
    if not ids:
        return []
    params = {"viewer_id": viewer_id, "ids": id_value(ctx, ids)}
    return list(ctx.session.scalars(_AMONG[is_postgres(ctx)], params))
