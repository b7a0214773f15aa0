"""Writing posts: create, edit (marked "edited") and delete, with their audience,
images and mentions.

The rules, each refused with a stable code and a sentence:

- the text is at most ``KITH_POST_MAX_LENGTH`` characters (``post_too_long``), holds no
  NUL character (``invalid_text``), and is not blank unless the post has images
  (``post_empty``);
- the audience is ``anyone``, ``connections``, ``tier``, ``tag``, ``only_me`` or
  ``group`` (``invalid_audience``); a tier or tag must be one of the author's own
  (``tier_not_found``, ``tag_not_found``), a group one the author is a member of
  (``group_not_found``; a new member's post may wait for a manager's approval,
  :mod:`kith.groups.posting`);
- at most ``KITH_POST_MAX_IMAGES`` images, each through the photo pipeline
  (:mod:`kith.posts.images`);
- a post the member may not read is ``post_not_found``; one they may read but did
  not write is ``not_post_author``.

Mentions (``@handle``) name the active members who may read the post; each is
notified once (``post_mention``), when first mentioned, and never about a post
they can no longer read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, update

from kith.connections.queries import blocked_between
from kith.errors import Forbidden, Invalid, NotFound
from kith.groups.posting import posting_in
from kith.members.photos import Units
from kith.models import (
    AUDIENCES,
    Comment,
    Member,
    Notification,
    Post,
    PostImage,
    PostMention,
    Tag,
    Tier,
)
from kith.notifications.service import notify
from kith.posts import images, text
from kith.posts.audience import can_see, visible_post
from kith.uow import Ctx

__all__ = [
    "Audience",
    "Draft",
    "check_audience",
    "check_body",
    "create_post",
    "delete_post",
    "edit_post",
    "own_post",
    "publish",
    "replace_images",
]

AUDIENCE_REFUSAL = (
    "Choose who can see the post: anyone, your connections, one of your tiers or tags, "
    "one of your groups, or only you."
)


@dataclass(frozen=True, slots=True)
class Audience:
    """Who a post is for: ``kind`` is one of :data:`kith.models.AUDIENCES`; a tier or
    tag audience names one of the author's own, a group audience one of their groups
    (``awaiting_approval``: set by :func:`check_audience`, never by the author)."""

    kind: str = "anyone"
    tier_id: int | None = None
    tag_id: int | None = None
    group_id: int | None = None
    awaiting_approval: bool = False


@dataclass(frozen=True, slots=True)
class Draft:
    """What the author writes: the text, the audience, and whether they want to hear
    about reactions, comments and reposts."""

    body: str
    audience: Audience = Audience()
    notify: bool = True


def check_body(ctx: Ctx | Units, body: str, *, has_images: bool = False) -> str:
    """The text as stored (line ends made ``\\n``, outer blank space removed)."""
    if "\x00" in body:
        raise Invalid("Text may not contain a NUL character (\\u0000).", code="invalid_text")
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    most = ctx.settings.post_max_length
    if len(body) > most:
        raise Invalid(
            f"A post can be at most {most:,} characters; this one has {len(body):,}.",
            code="post_too_long",
        )
    if not body and not has_images:
        raise Invalid("Write something to post, or add an image.", code="post_empty")
    return body


def check_audience(ctx: Ctx, author: Member, audience: Audience) -> Audience:
    """``audience`` with only the id its kind uses; the tier or tag must be the
    author's own."""
    kind = audience.kind
    if kind not in AUDIENCES:
        raise Invalid(AUDIENCE_REFUSAL, code="invalid_audience")
    if kind == "tier":
        tier = ctx.session.get(Tier, audience.tier_id) if audience.tier_id else None
        if tier is None or tier.owner_id != author.id:
            raise NotFound(
                "You have no such tier; choose one of your own tiers.", code="tier_not_found"
            )
        return Audience("tier", tier_id=tier.id)
    if kind == "tag":
        tag = ctx.session.get(Tag, audience.tag_id) if audience.tag_id else None
        if tag is None or tag.owner_id != author.id:
            raise NotFound(
                "You have no such tag; choose one of your own tags.", code="tag_not_found"
            )
        return Audience("tag", tag_id=tag.id)
    if kind == "group":
        if audience.group_id is None:
            raise Invalid("Choose one of your groups.", code="invalid_audience")
        group, waits = posting_in(ctx, author, audience.group_id)
        return Audience("group", group_id=group.id, awaiting_approval=waits)
    return Audience(kind)


def _apply_audience(post: Post, audience: Audience) -> bool:
    """Set the post's audience; whether it changed."""
    before = (post.audience, post.audience_tier_id, post.audience_tag_id, post.audience_group_id)
    post.audience = audience.kind
    post.audience_tier_id = audience.tier_id
    post.audience_tag_id = audience.tag_id
    if post.audience_group_id != audience.group_id:
        post.awaiting_approval = audience.awaiting_approval
    post.audience_group_id = audience.group_id
    return before != (
        post.audience,
        post.audience_tier_id,
        post.audience_tag_id,
        post.audience_group_id,
    )


def _add_images(post: Post, pictures: Sequence[images.Picture], start: int = 0) -> None:
    for position, picture in enumerate(pictures, start=start):
        width, height = picture.rendition.size
        post.images.append(
            PostImage(
                position=position,
                media_key=picture.key,
                width=width,
                height=height,
                alt=picture.alt,
            )
        )


def create_post(
    ctx: Ctx,
    author: Member,
    draft: Draft,
    pictures: Sequence[images.Picture] = (),
) -> Post:
    """A new post by ``author`` (``pictures`` already stored by :func:`publish`)."""
    images.check_count(ctx.settings, len(pictures))
    body = check_body(ctx, draft.body, has_images=bool(pictures))
    audience = check_audience(ctx, author, draft.audience)
    post = Post(
        author_id=author.id,
        body=body,
        notify=draft.notify,
        created_at=ctx.clock.now(),
    )
    _apply_audience(post, audience)
    _add_images(post, pictures)
    ctx.session.add(post)
    ctx.session.flush()
    record_mentions(ctx, post)
    return post


def publish(
    units: Units,
    find: Callable[[Ctx], Member],
    draft: Draft,
    uploads: Sequence[images.Upload] = (),
) -> int:
    """Post ``draft`` with ``uploads`` as its images: the text is checked first, the
    images read and resized with no transaction open, then one short transaction
    writes the post. Returns its id."""
    images.check_count(units.settings, len(uploads))
    check_body(units, draft.body, has_images=bool(uploads))
    pictures = images.prepare(units.settings, uploads)
    created = images.save(units.settings, pictures)
    try:
        with units.uow() as ctx:
            post_id = create_post(ctx, find(ctx), draft, pictures).id
    except BaseException:
        images.discard(units, created)
        raise
    images.still_stored(units, pictures)
    return post_id


def own_post(ctx: Ctx, author: Member, post_id: int, *, lock: bool = False) -> Post:
    """The author's post: ``post_not_found`` unless they may read it,
    ``not_post_author`` when it is someone else's."""
    post = visible_post(ctx, author.id, post_id)
    if post.author_id != author.id:
        raise Forbidden("Only its author can change or delete a post.", code="not_post_author")
    if lock:
        ctx.session.refresh(post, with_for_update=True)
    return post


def edit_post(
    ctx: Ctx,
    author: Member,
    post_id: int,
    *,
    body: str | None = None,
    audience: Audience | None = None,
    notify_me: bool | None = None,
    pictures: Sequence[images.Picture] | None = None,
) -> Post:
    """Change the text, the audience, the notification choice or (with ``pictures``,
    read beforehand by :func:`images.prepare`; none removes them all) the images of the
    author's post. A change of text, audience or images marks it edited; newly
    mentioned members are told. A post keeps text or at least one image."""
    post = own_post(ctx, author, post_id, lock=True)
    changed = False
    keeps_images = bool(post.images) if pictures is None else bool(pictures)
    if body is not None:
        new_body = check_body(ctx, body, has_images=keeps_images or post.repost_of_id is not None)
        changed = new_body != post.body
        post.body = new_body
    elif not post.body and not keeps_images and post.repost_of_id is None:
        raise Invalid(
            "A post without text needs an image; write something first.", code="post_empty"
        )
    if audience is not None:
        changed = _apply_audience(post, check_audience(ctx, author, audience)) or changed
    if notify_me is not None:
        post.notify = notify_me
    if pictures is not None:
        images.release(ctx, list(post.images))
        post.images.clear()
        ctx.session.flush()
        _add_images(post, pictures)
        changed = True
    if changed:
        post.edited_at = ctx.clock.now()
    ctx.session.flush()
    if changed:
        record_mentions(ctx, post)
    return post


def revise(
    units: Units,
    find: Callable[[Ctx], Member],
    post_id: int,
    *,
    body: str | None = None,
    audience: Audience | None = None,
    notify_me: bool | None = None,
    uploads: Sequence[images.Upload] | None = None,
) -> Post:
    """:func:`edit_post` with new images (``uploads``; an empty list removes them all):
    the author and the count are checked first, the images read and resized with no
    transaction open, then one short transaction changes the post, text and images
    together, or nothing."""
    if uploads is not None:
        images.check_count(units.settings, len(uploads))
        with units.uow(write=False) as ctx:
            own_post(ctx, find(ctx), post_id)
    pictures = images.prepare(units.settings, uploads) if uploads is not None else None
    created = images.save(units.settings, pictures) if pictures else []
    try:
        with units.uow() as ctx:
            post = edit_post(
                ctx,
                find(ctx),
                post_id,
                body=body,
                audience=audience,
                notify_me=notify_me,
                pictures=pictures,
            )
    except BaseException:
        images.discard(units, created)
        raise
    if pictures:
        images.still_stored(units, pictures)
    return post


def replace_images(
    units: Units,
    find: Callable[[Ctx], Member],
    post_id: int,
    uploads: Sequence[images.Upload],
) -> int:
    """Make ``uploads`` the images of the author's post (none removes them all; a post
    without text keeps at least one). Marks the post edited; returns how many."""
    return len(revise(units, find, post_id, uploads=uploads).images)


def delete_post(ctx: Ctx, author: Member, post_id: int) -> None:
    """Delete the author's post, with its images, comments, reactions and the reposts
    of it; a repost that is deleted no longer counts on its original."""
    post = own_post(ctx, author, post_id, lock=True)
    reposts = select(Post.id).where(Post.repost_of_id == post.id)
    gone = list(
        ctx.session.scalars(
            select(PostImage).where((PostImage.post_id == post.id) | PostImage.post_id.in_(reposts))
        )
    )
    images.release(ctx, gone)
    if post.repost_of_id is not None:
        ctx.session.execute(
            update(Post)
            .where(Post.id == post.repost_of_id, Post.repost_count > 0)
            .values(repost_count=Post.repost_count - 1)
        )
    ctx.session.delete(post)
    ctx.session.flush()


# -- mentions ---------------------------------------------------------------------------


def mentioned_members(
    ctx: Ctx, post: Post, body: str, *, author_id: int | None = None
) -> list[Member]:
    """The active members ``body`` mentions who may read ``post``, leaving out the
    writer (``author_id``; the post's author by default)."""
    handles = text.mentions(body)
    if not handles:
        return []
    writer = post.author_id if author_id is None else author_id
    found = ctx.session.scalars(
        select(Member).where(
            Member.handle.in_(handles),
            Member.is_active.is_(True),
            Member.deleted_at.is_(None),
            Member.id != writer,
        )
    )
    return [m for m in found if can_see(ctx, m.id, post.id)]


def record_mentions(ctx: Ctx, post: Post, comment: Comment | None = None) -> list[Member]:
    """Keep the mentions of the post (or of ``comment`` on it) in step with its text and
    the post's audience, and tell each member the first time they are mentioned in it
    (``post_mention`` or ``comment_mention``). The newly told members."""
    writer = comment.author_id if comment is not None else post.author_id
    body = comment.body if comment is not None else post.body
    kind = "comment_mention" if comment is not None else "post_mention"
    comment_id = comment.id if comment is not None else None
    here = (
        PostMention.comment_id == comment_id
        if comment_id is not None
        else PostMention.comment_id.is_(None)
    )
    members = mentioned_members(ctx, post, body, author_id=writer)
    wanted = {m.id for m in members}
    kept = set(
        ctx.session.scalars(
            select(PostMention.member_id).where(PostMention.post_id == post.id, here)
        )
    )
    stale = kept - wanted
    if stale:
        ctx.session.execute(
            delete(PostMention).where(
                PostMention.post_id == post.id, here, PostMention.member_id.in_(stale)
            )
        )
    new = wanted - kept
    if not new:
        return []
    told = set(
        ctx.session.scalars(
            select(Notification.member_id).where(
                Notification.post_id == post.id,
                Notification.kind == kind,
                Notification.comment_id == comment_id
                if comment_id is not None
                else Notification.comment_id.is_(None),
                Notification.member_id.in_(new),
            )
        )
    )
    fresh = []
    for member in members:
        if member.id not in new:
            continue
        ctx.session.add(PostMention(post_id=post.id, comment_id=comment_id, member_id=member.id))
        if member.id not in told and not blocked_between(ctx.session, member.id, writer):
            notify(ctx, member.id, kind, actor_id=writer, post_id=post.id, comment_id=comment_id)
            fresh.append(member)
    ctx.session.flush()
    return fresh
