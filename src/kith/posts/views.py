"""Post cards: the one shape in which the feed, the permalink page, a profile's
activity and the API show a post.

:func:`post_cards` loads everything a list of posts needs in a fixed number of
queries, however many posts there are: the originals of reposts (only those the
viewer may read), the authors with their photos, the viewer's degree to each (the
network engine, as on every people card), the images, the viewer's own reactions, the
members each post mentions, and for the viewer's own posts the name of the tier or tag
they chose (no one else ever learns it).

Examples
--------
>>> audience_label("tier", None, mine=False)
'Selected members'
>>> audience_label("tier", "Inner circle", mine=True)
'Inner circle'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import inspect, select
from sqlalchemy.orm.util import identity_key

from kith.graph.cards import person
from kith.graph.service import Badge, badges
from kith.idlists import id_in
from kith.models import (
    Group,
    GroupMember,
    Member,
    Post,
    PostImage,
    PostMention,
    Reaction,
    Tag,
    Tier,
)
from kith.posts.audience import post_not_found, readable_among
from kith.posts.images import image_urls
from kith.posts.reactors import reaction_headlines, reaction_kinds
from kith.posts.service import Audience
from kith.posts.text import render
from kith.relationships.tiers_tags import list_tags, list_tiers
from kith.uow import Ctx
from kith.web.params import id_in_range

__all__ = [
    "ImageView",
    "PostCard",
    "audience_choice",
    "audience_label",
    "audience_options",
    "choice_of",
    "compose_context",
    "post_card",
    "post_cards",
]

AUDIENCE_LABELS = {
    "anyone": "Anyone",
    "connections": "Connections",
    "tier": "Selected members",
    "tag": "Selected members",
    "only_me": "Only you",
    "group": "A group",
}


def audience_label(kind: str, name: str | None, *, mine: bool) -> str:
    """Who the post is for, as the viewer may be told: its author sees the tier's or
    tag's name, everyone else "Selected members"."""
    if mine and kind in ("tier", "tag"):
        return name or "A tier or tag you deleted (only you)"
    if kind == "group" and name:
        return name
    return AUDIENCE_LABELS.get(kind, "Anyone")


@dataclass(frozen=True, slots=True)
class ImageView:
    key: str
    urls: dict[str, str]
    width: int
    height: int
    alt: str


@dataclass(frozen=True, slots=True)
class PostCard:
    """A post as one viewer sees it."""

    id: int
    url: str
    author: dict[str, Any]  # a people card (kith.graph.cards.person)
    author_member: Member
    author_badge: Badge | None
    body: str
    html: Markup
    audience: str
    audience_label: str
    audience_tier_id: int | None
    audience_tag_id: int | None
    audience_group_id: int | None
    awaiting_approval: bool
    images: list[ImageView]
    reaction_count: int
    comment_count: int
    repost_count: int
    my_reaction: str | None
    reaction_headline: str  # who reacted, in a few words ("Ana Silva and 12 others")
    reaction_kinds: list[str]  # the kinds of reaction on it, most used first
    original: PostCard | None  # the post a repost shares
    created_at: datetime
    edited_at: datetime | None
    mine: bool
    notify: bool

    @property
    def edited(self) -> bool:
        return self.edited_at is not None

    @property
    def author_id(self) -> int:
        return self.author_member.id

    @property
    def is_repost(self) -> bool:
        return self.original is not None


def _members(ctx: Ctx, ids: Sequence[int]) -> dict[int, Member]:
    """The members of ``ids``: those this unit of work already holds (a feed loads its
    posts' authors with them), the rest in one query."""
    found: dict[int, Member] = {}
    for member_id in ids:
        held = ctx.session.identity_map.get(identity_key(Member, member_id))
        if isinstance(held, Member) and not inspect(held).expired_attributes:
            found[member_id] = held  # loaded, nothing to read again
    missing = [i for i in ids if i not in found]
    if missing:
        found.update(
            (m.id, m)
            for m in ctx.session.scalars(select(Member).where(id_in(ctx, Member.id, missing)))
        )
    return found


def _load(ctx: Ctx, viewer: Member, posts: Sequence[Post]) -> dict[str, Any]:
    """Everything the cards of ``posts`` need, a few queries in all."""
    wanted = {p.repost_of_id for p in posts if p.repost_of_id is not None}
    originals = {p.id: p for p in readable_among(ctx, viewer.id, list(wanted))}
    every = [*posts, *originals.values()]
    ids = [p.id for p in every]
    author_ids = sorted({p.author_id for p in every})
    authors = _members(ctx, author_ids)
    found = badges(ctx, viewer, author_ids)
    pictures: dict[int, list[ImageView]] = defaultdict(list)
    for image in ctx.session.scalars(
        select(PostImage)
        .where(id_in(ctx, PostImage.post_id, list(ids)))
        .order_by(PostImage.post_id, PostImage.position)
    ):
        pictures[image.post_id].append(
            ImageView(
                image.media_key, image_urls(image.media_key), image.width, image.height, image.alt
            )
        )
    reactions: dict[int, str] = {
        int(post_id): kind
        for post_id, kind in ctx.session.execute(
            select(Reaction.post_id, Reaction.kind).where(
                Reaction.member_id == viewer.id, id_in(ctx, Reaction.post_id, list(ids))
            )
        )
        if post_id is not None
    }
    mentioned: dict[int, set[str]] = defaultdict(set)
    for post_id, handle in ctx.session.execute(
        select(PostMention.post_id, Member.handle)
        .join(Member, Member.id == PostMention.member_id)
        .where(id_in(ctx, PostMention.post_id, list(ids)), PostMention.comment_id.is_(None))
    ):
        mentioned[post_id].add(handle)
    names: dict[tuple[str, int], str] = {}
    own = [p for p in every if p.author_id == viewer.id]
    tier_ids = {p.audience_tier_id for p in own if p.audience == "tier" and p.audience_tier_id}
    tag_ids = {p.audience_tag_id for p in own if p.audience == "tag" and p.audience_tag_id}
    if tier_ids:
        for tier_id, name in ctx.session.execute(
            select(Tier.id, Tier.name).where(Tier.id.in_(tier_ids))
        ):
            names[("tier", tier_id)] = name
    if tag_ids:
        for tag_id, name in ctx.session.execute(
            select(Tag.id, Tag.name).where(Tag.id.in_(tag_ids))
        ):
            names[("tag", tag_id)] = name
    # A group post's readers may read the group: its name is no secret to them.
    group_ids = {p.audience_group_id for p in every if p.audience_group_id}
    if group_ids:
        for group_id, name in ctx.session.execute(
            select(Group.id, Group.name).where(Group.id.in_(group_ids))
        ):
            names[("group", group_id)] = name
    return {
        "originals": originals,
        "authors": authors,
        "badges": found,
        "pictures": pictures,
        "reactions": reactions,
        "mentioned": mentioned,
        "names": names,
        "headlines": reaction_headlines(ctx, viewer, every),
        "kinds": reaction_kinds(ctx, [p.id for p in every if p.reaction_count]),
    }


def _card(viewer: Member, post: Post, data: dict[str, Any], original: PostCard | None) -> PostCard:
    author: Member = data["authors"][post.author_id]
    badge: Badge | None = data["badges"].get(post.author_id)
    mine = post.author_id == viewer.id
    chosen = {"tier": post.audience_tier_id, "tag": post.audience_tag_id}.get(
        post.audience, post.audience_group_id
    )
    name = data["names"].get((post.audience, chosen)) if chosen else None
    return PostCard(
        id=post.id,
        url=f"/posts/{post.id}",
        author=person(author, badge),
        author_member=author,
        author_badge=badge,
        body=post.body,
        html=render(post.body, data["mentioned"].get(post.id, set())),
        audience=post.audience if mine or post.audience not in ("tier", "tag") else "selected",
        audience_label=audience_label(post.audience, name, mine=mine),
        audience_tier_id=post.audience_tier_id if mine else None,
        audience_tag_id=post.audience_tag_id if mine else None,
        audience_group_id=post.audience_group_id,
        awaiting_approval=post.awaiting_approval,
        images=list(data["pictures"].get(post.id, [])),
        reaction_count=post.reaction_count,
        comment_count=post.comment_count,
        repost_count=post.repost_count,
        my_reaction=data["reactions"].get(post.id),
        reaction_headline=data["headlines"].get(post.id, ""),
        reaction_kinds=data["kinds"].get(post.id, []),
        original=original,
        created_at=post.created_at,
        edited_at=post.edited_at,
        mine=mine,
        notify=post.notify,
    )


def post_cards(ctx: Ctx, viewer: Member, posts: Sequence[Post]) -> list[PostCard]:
    """The cards of ``posts`` (already filtered by :func:`kith.posts.audience.visible_to`)
    as ``viewer`` sees them, in the same order. A repost whose original the viewer may
    not read is left out."""
    if not posts:
        return []
    data = _load(ctx, viewer, posts)
    originals: dict[int, Post] = data["originals"]
    cards = []
    for post in posts:
        original = None
        if post.repost_of_id is not None:
            source = originals.get(post.repost_of_id)
            if source is None:
                continue
            original = _card(viewer, source, data, None)
        cards.append(_card(viewer, post, data, original))
    return cards


def shown_posts(cards: Sequence[PostCard]) -> list[PostCard]:
    """The posts a page shows, for counting impressions: each card, and the original
    inside a repost."""
    return [*cards, *(c.original for c in cards if c.original is not None)]


def post_card(ctx: Ctx, viewer: Member, post: Post) -> PostCard:
    """One post's card (the permalink page, an answer to an edit)."""
    cards = post_cards(ctx, viewer, [post])
    if not cards:
        raise post_not_found()
    return cards[0]


# -- the compose box ----------------------------------------------------------------------


def audience_choice(value: str) -> Audience:
    """The audience a compose or edit form's ``audience`` field names: ``anyone``,
    ``connections``, ``only_me``, ``tier:<id>``, ``tag:<id>`` or ``group:<id>``."""
    kind, _, ident = value.partition(":")
    if kind in ("tier", "tag", "group"):
        number = int(ident) if ident.isdigit() and len(ident) <= 10 else 0
        number = number if id_in_range(number) else 0
        if kind == "group":
            return Audience(kind, group_id=number or None)
        return (
            Audience(kind, tier_id=number or None)
            if kind == "tier"
            else Audience(kind, tag_id=number or None)
        )
    return Audience(kind)


def choice_of(
    audience: str, tier_id: int | None, tag_id: int | None, group_id: int | None = None
) -> str:
    """The form value of a post's audience (the inverse of :func:`audience_choice`); a
    post whose tier or tag was deleted reaches its author alone, and says so."""
    if audience == "group":
        return f"group:{group_id}" if group_id else "only_me"
    if audience == "tier":
        return f"tier:{tier_id}" if tier_id else "only_me"
    if audience == "tag":
        return f"tag:{tag_id}" if tag_id else "only_me"
    return audience


def audience_options(ctx: Ctx, author: Member) -> list[dict[str, Any]]:
    """The audience picker's groups: everyone, connections and only me, then the
    author's own tiers and tags (the members they reach never see these names), then
    the groups they may post in."""
    tiers = list_tiers(ctx, author)
    own_groups = ctx.session.execute(
        select(Group.id, Group.name)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .where(
            GroupMember.member_id == author.id,
            GroupMember.status == "member",
            Group.archived_at.is_(None),
        )
        .order_by(Group.name, Group.id)
    ).all()
    tags = [tag for tag, _count in list_tags(ctx, author)]
    groups: list[dict[str, Any]] = [
        {
            "label": "",
            "options": [
                ("anyone", "Anyone"),
                ("connections", "Connections"),
                ("only_me", "Only me"),
            ],
        }
    ]
    if tiers:
        groups.append({"label": "Your tiers", "options": [(f"tier:{t.id}", t.name) for t in tiers]})
    if tags:
        groups.append({"label": "Your tags", "options": [(f"tag:{t.id}", t.name) for t in tags]})
    if own_groups:
        options = [(f"group:{gid}", name) for gid, name in own_groups]
        groups.append({"label": "Your groups", "options": options})
    return groups


def compose_context(
    ctx: Ctx,
    author: Member,
    *,
    body: str = "",
    audience: str = "anyone",
    alts: Sequence[str] = (),
    error: str | None = None,
    next_path: str = "",
) -> dict[str, Any]:
    """What ``posts/_compose.html`` needs."""
    return {
        "compose": {
            "body": body,
            "audience": audience,
            "groups": audience_options(ctx, author),
            "max_length": ctx.settings.post_max_length,
            "max_images": ctx.settings.post_max_images,
            "max_mb": ctx.settings.photo_max_mb,
            "alts": list(alts) + [""] * (ctx.settings.post_max_images - len(alts)),
            "error": error,
            "next": next_path,
            "author": person(author),
        }
    }
