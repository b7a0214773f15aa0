"""The posts part of a member's archive: their posts (with their images, the files
themselves, as the profile photo is), their comments and their reactions.

Four statements whatever their number. Other members' posts that the member reposted,
commented on or reacted to appear by URL and author only (name, handle, URL), never
with their text: that is theirs.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from kith.members.photos import POST, media_store, media_url
from kith.models import Comment, Group, Member, Post, PostImage, Reaction, Tag, Tier
from kith.uow import Ctx

#: The statements :func:`posts_archive` runs.
POSTS_QUERY_COUNT = 4


def _image(ctx: Ctx, image: PostImage) -> dict[str, Any]:
    """One image at its largest width, the file itself (base64) as the photo is."""
    width = POST.widths[-1]
    w, h = POST.size(width, (image.width, image.height))
    url = ctx.settings.base_url.rstrip("/") + media_url(image.media_key, width)
    out: dict[str, Any] = {
        "file": f"post-image-{image.post_id}-{image.position + 1}-{w}x{h}.webp",
        "media_type": "image/webp",
        "width": w,
        "height": h,
        "alt": image.alt,
        "url": url,
        "data_base64": None,
    }
    path = media_store(ctx.settings).file(image.media_key, width)
    if path is not None:
        try:
            out["data_base64"] = base64.b64encode(path.read_bytes()).decode("ascii")
        except OSError:
            pass
    return out


def posts_archive(ctx: Ctx, me: int, person: Any, when: Any) -> dict[str, list[dict[str, Any]]]:
    """``{"posts": [...], "comments": [...], "reactions": [...]}``, oldest first.

    ``person(first, last, handle)`` names another member; ``when`` formats a time."""
    base = ctx.settings.base_url.rstrip("/")

    def post_url(post_id: int | None) -> str | None:
        return None if post_id is None else f"{base}/posts/{post_id}"

    original = aliased(Post)
    other = aliased(Member)
    rows = ctx.session.execute(
        select(
            Post, Tier.name, Tag.name, other.first_name, other.last_name, other.handle, Group.name
        )
        .outerjoin(Tier, Tier.id == Post.audience_tier_id)
        .outerjoin(Tag, Tag.id == Post.audience_tag_id)
        .outerjoin(Group, Group.id == Post.audience_group_id)
        .outerjoin(original, original.id == Post.repost_of_id)
        .outerjoin(other, other.id == original.author_id)
        .where(Post.author_id == me)
        .order_by(Post.created_at, Post.id)
    ).all()
    images: dict[int, list[PostImage]] = defaultdict(list)
    for image in ctx.session.scalars(
        select(PostImage)
        .join(Post, Post.id == PostImage.post_id)
        .where(Post.author_id == me)
        .order_by(PostImage.post_id, PostImage.position)
    ):
        images[image.post_id].append(image)
    posts = [
        {
            "id": post.id,
            "url": post_url(post.id),
            "body": post.body,
            "audience": post.audience,
            "audience_tier": tier,
            "audience_tag": tag,
            "audience_group": group_name,
            "awaiting_approval": post.awaiting_approval,
            "created_at": when(post.created_at),
            "edited_at": when(post.edited_at),
            "source": post.source or None,
            "repost_of": None
            if post.repost_of_id is None
            else {"url": post_url(post.repost_of_id), "author": person(first, last, handle)},
            "reactions": post.reaction_count,
            "comments": post.comment_count,
            "reposts": post.repost_count,
            "images": [_image(ctx, i) for i in images.get(post.id, [])],
        }
        for post, tier, tag, first, last, handle, group_name in rows
    ]

    on_post = aliased(Post)
    author = aliased(Member)
    comments = [
        {
            "id": comment.id,
            "post": {"url": post_url(comment.post_id), "author": person(first, last, handle)},
            "reply_to": comment.parent_id,
            "body": comment.body,
            "created_at": when(comment.created_at),
            "edited_at": when(comment.edited_at),
        }
        for comment, first, last, handle in ctx.session.execute(
            select(Comment, author.first_name, author.last_name, author.handle)
            .join(on_post, on_post.id == Comment.post_id)
            .join(author, author.id == on_post.author_id)
            .where(Comment.author_id == me)
            .order_by(Comment.created_at, Comment.id)
        )
    ]

    commented = aliased(Comment)
    reactions = [
        {
            "kind": kind,
            "post": {"url": post_url(post_id or comment_post)},
            "comment": comment_id,
            "created_at": when(created),
        }
        for kind, post_id, comment_id, comment_post, created in ctx.session.execute(
            select(
                Reaction.kind,
                Reaction.post_id,
                Reaction.comment_id,
                commented.post_id,
                Reaction.created_at,
            )
            .outerjoin(commented, commented.id == Reaction.comment_id)
            .where(Reaction.member_id == me)
            .order_by(Reaction.created_at, Reaction.id)
        )
    ]
    return {"posts": posts, "comments": comments, "reactions": reactions}
