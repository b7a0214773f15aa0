"""REST endpoints for reactions, comments and replies, reposts, and a post's
notifications. A post the member may not read is ``post_not_found`` from each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query, status

from kith.members.summaries import summarize
from kith.models import Comment, Member
from kith.posts import engagement, reactors
from kith.posts.engagement_schemas import (
    CommentId,
    CommentIn,
    CommentOut,
    NotifyIn,
    NotifyOut,
    PostId,
    ReactionIn,
    ReactionOut,
    ReactorOut,
    ReactorPage,
    RepostIn,
    RepostOut,
    ThreadOut,
    ThreadPage,
)
from kith.uow import Ctx
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.paging import page_request
from kith.web.params import MAX_ID, PageNo, PerPage, Refusal

router = APIRouter(tags=["engagement"])

Before = Annotated[
    int | None,
    Query(ge=1, le=MAX_ID, description="Threads older than this comment id (next page)"),
    Refusal("invalid_cursor", "That is not a place in this list."),
]
ThreadLimit = Annotated[
    int,
    Query(ge=1, le=100, description="Threads per page (default 20)"),
    Refusal("invalid_page", "Ask for between 1 and 100 threads."),
]


def _comments_out(ctx: Ctx, viewer: Member, comments: Sequence[Comment]) -> list[CommentOut]:
    authors = list({c.author_id: c.author for c in comments}.values())
    found = dict(zip((a.id for a in authors), summarize(ctx, viewer, authors), strict=True))
    mine = engagement.my_comment_reactions(ctx, viewer, [c.id for c in comments])
    return [CommentOut.of(c, found[c.author_id], mine.get(c.id)) for c in comments]


@router.put("/posts/{post_id:int}/reaction")
def react(post_id: PostId, body: ReactionIn, kith: KithDep, member_id: ApiMemberId) -> ReactionOut:
    """React to a post, or change your reaction (one per member)."""
    with kith.uow() as ctx:
        return ReactionOut.of(engagement.react(ctx, me(ctx, member_id), post_id, body.kind))


@router.delete("/posts/{post_id:int}/reaction", status_code=status.HTTP_204_NO_CONTENT)
def unreact(post_id: PostId, kith: KithDep, member_id: ApiMemberId) -> None:
    """Take back your reaction (nothing to take back is not an error)."""
    with kith.uow() as ctx:
        engagement.unreact(ctx, me(ctx, member_id), post_id)


@router.get("/posts/{post_id:int}/reactions")
def who_reacted(
    post_id: PostId,
    kith: KithDep,
    member_id: ApiMemberId,
    page: PageNo = 1,
    per_page: PerPage = None,
    kind: Annotated[str | None, Query(max_length=20, description="Only this reaction")] = None,
) -> ReactorPage:
    """Who reacted: you, then your 1st degree, 2nd, 3rd and the rest."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        result, headline = reactors.reactors(
            ctx, viewer, post_id, page_request(ctx, page, per_page), kind=kind
        )
        summaries = summarize(ctx, viewer, [r.member for r in result.items])
        items = [
            ReactorOut(member=s, kind=r.kind) for r, s in zip(result.items, summaries, strict=True)
        ]
        return ReactorPage.of(result, items=items, headline=headline)


@router.get("/posts/{post_id:int}/comments")
def comments(
    post_id: PostId,
    kith: KithDep,
    member_id: ApiMemberId,
    before: Before = None,
    limit: ThreadLimit = 20,
) -> ThreadPage:
    """A post's comments, newest first, each with its replies (oldest first)."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        threads, more = engagement.comment_threads(ctx, viewer, post_id, before=before, limit=limit)
        every = [c for t in threads for c in (t.comment, *t.replies)]
        out = {c.id: c for c in _comments_out(ctx, viewer, every)}
        return ThreadPage(
            items=[
                ThreadOut(comment=out[t.comment.id], replies=[out[r.id] for r in t.replies])
                for t in threads
            ],
            next_before=threads[-1].comment.id if more else None,
        )


@router.post("/posts/{post_id:int}/comments", status_code=status.HTTP_201_CREATED)
def comment(post_id: PostId, body: CommentIn, kith: KithDep, member_id: ApiMemberId) -> CommentOut:
    """Comment on a post."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        made = engagement.add_comment(ctx, viewer, post_id, body.body)
        return _comments_out(ctx, viewer, [made])[0]


@router.post("/comments/{comment_id:int}/replies", status_code=status.HTTP_201_CREATED)
def reply(
    comment_id: CommentId, body: CommentIn, kith: KithDep, member_id: ApiMemberId
) -> CommentOut:
    """Reply to a comment (a reply to a reply joins the same thread)."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        parent, post = engagement.visible_comment(ctx, viewer.id, comment_id)
        made = engagement.add_comment(ctx, viewer, post.id, body.body, reply_to=parent.id)
        return _comments_out(ctx, viewer, [made])[0]


@router.patch("/comments/{comment_id:int}")
def edit_comment(
    comment_id: CommentId, body: CommentIn, kith: KithDep, member_id: ApiMemberId
) -> CommentOut:
    """Edit your own comment."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        edited = engagement.edit_comment(ctx, viewer, comment_id, body.body)
        return _comments_out(ctx, viewer, [edited])[0]


@router.delete("/comments/{comment_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def delete_comment(comment_id: CommentId, kith: KithDep, member_id: ApiMemberId) -> None:
    """Delete your own comment, or any comment on your post (with its replies)."""
    with kith.uow() as ctx:
        engagement.delete_comment(ctx, me(ctx, member_id), comment_id)


@router.put("/comments/{comment_id:int}/reaction")
def react_to_comment(
    comment_id: CommentId, body: ReactionIn, kith: KithDep, member_id: ApiMemberId
) -> ReactionOut:
    """React to a comment, or change your reaction."""
    with kith.uow() as ctx:
        viewer = me(ctx, member_id)
        return ReactionOut.of(engagement.react_to_comment(ctx, viewer, comment_id, body.kind))


@router.delete("/comments/{comment_id:int}/reaction", status_code=status.HTTP_204_NO_CONTENT)
def unreact_to_comment(comment_id: CommentId, kith: KithDep, member_id: ApiMemberId) -> None:
    with kith.uow() as ctx:
        engagement.unreact_to_comment(ctx, me(ctx, member_id), comment_id)


@router.post("/posts/{post_id:int}/reposts", status_code=status.HTTP_201_CREATED)
def repost(post_id: PostId, body: RepostIn, kith: KithDep, member_id: ApiMemberId) -> RepostOut:
    """Repost a post, with or without your own text; never to a wider audience."""
    with kith.uow() as ctx:
        made = engagement.repost(
            ctx,
            me(ctx, member_id),
            post_id,
            body.body,
            audience=body.audience,
            tier_id=body.tier_id,
            tag_id=body.tag_id,
        )
        return RepostOut.of(made)


@router.put("/posts/{post_id:int}/notifications")
def set_notifications(
    post_id: PostId, body: NotifyIn, kith: KithDep, member_id: ApiMemberId
) -> NotifyOut:
    """Your post: hear about its reactions, comments and reposts, or not."""
    with kith.uow() as ctx:
        post = engagement.set_notify(ctx, me(ctx, member_id), post_id, body.on)
        return NotifyOut(post_id=post.id, on=post.notify)
