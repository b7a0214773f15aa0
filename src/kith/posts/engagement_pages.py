"""The engagement bar's pages: react, comment and reply, repost, who reacted, and the
author's notification switch. Each form works without scripts (a plain post, then
back to the page it came from); with htmx the answer is the post's bar, redrawn."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy import select

from kith.graph.cards import person
from kith.graph.service import badges
from kith.models import Member, Tag, Tier
from kith.posts import engagement, reactors
from kith.posts.audience import visible_post
from kith.posts.engagement_schemas import CommentId, PostId
from kith.posts.text import render as render_text
from kith.posts.views import post_card
from kith.uow import Ctx
from kith.web.deps import KithDep, me
from kith.web.paging import page_request
from kith.web.params import PageNo
from kith.web.render import (
    MemberId,
    back_to,
    current_page,
    is_htmx,
    nav_for,
    redirect,
    render,
)

router = APIRouter()

BAR = "posts/_engagement.html"
Text = Annotated[str, Form(max_length=20_000)]
Choice = Annotated[str, Form(max_length=20)]
Part = Annotated[str, Query(max_length=20, description="list: only the comments")]
DEGREE_HEADINGS = {None: "You", 1: "1st", 2: "2nd", 3: "3rd", 0: "Out of network"}


def _threads(ctx: Ctx, viewer: Member, post_id: int, mine: bool) -> dict[str, Any]:
    """The comment threads as the bar draws them (newest 50 threads)."""
    threads, more = engagement.comment_threads(ctx, viewer, post_id, limit=50)
    every = [c for t in threads for c in (t.comment, *t.replies)]
    authors = list({c.author_id: c.author for c in every}.values())
    found = badges(ctx, viewer, [a.id for a in authors])
    reacted = engagement.my_comment_reactions(ctx, viewer, [c.id for c in every])

    def view(comment: Any) -> dict[str, Any]:
        return {
            "id": comment.id,
            "author": person(comment.author, found[comment.author_id]),
            "html": render_text(comment.body, set()),
            "body": comment.body,
            "at": comment.created_at,
            "edited": comment.edited_at is not None,
            "reactions": comment.reaction_count,
            "my_reaction": reacted.get(comment.id),
            "can_edit": comment.author_id == viewer.id,
            "can_delete": mine or comment.author_id == viewer.id,
        }

    return {
        "threads": [
            {"top": view(t.comment), "replies": [view(r) for r in t.replies]} for t in threads
        ],
        "more": more,
    }


def _bar(ctx: Ctx, viewer: Member, post_id: int, *, comments: bool) -> dict[str, Any]:
    """The context of one post's bar: its card, who reacted in a few words, the kinds
    of reaction, and the comments when they are open."""
    post = visible_post(ctx, viewer.id, post_id)
    card = post_card(ctx, viewer, post)
    eng: dict[str, Any] = {
        "headline": reactors.reaction_headlines(ctx, viewer, [post]).get(post.id, ""),
        "kinds": reactors.reaction_kinds(ctx, [post.id]).get(post.id, []),
        "open": comments,
    }
    if comments:
        eng.update(_threads(ctx, viewer, post.id, card.mine))
    return {"c": card, "eng": eng, "e": eng, "names": engagement.REACTION_LABELS}


def _answer(
    request: Request,
    kith: KithDep,
    member_id: int,
    post_id: int,
    *,
    comments: bool,
    toast: str | None = None,
) -> Response:
    """After an action: the redrawn bar for htmx (its comments open when they were, or
    on the post's own page), else back to the page."""
    if not is_htmx(request):
        return redirect(request, back_to(request, f"/posts/{post_id}"))
    comments = comments or current_page(request)[0] == f"/posts/{post_id}"
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        context = _bar(ctx, viewer, post_id, comments=comments)
        nav = nav_for(ctx, viewer) if toast else None
    return render(request, BAR, context, badges=nav, toast=toast)


@router.post("/posts/{post_id:int}/reaction")
def react(
    request: Request,
    post_id: PostId,
    kith: KithDep,
    member_id: MemberId,
    kind: Choice = "",
    comments: Choice = "",
) -> Response:
    """React (``kind``), change one's reaction, or take it back (no kind)."""
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        if kind:
            engagement.react(ctx, member, post_id, kind)
        else:
            engagement.unreact(ctx, member, post_id)
    return _answer(request, kith, member_id, post_id, comments=bool(comments))


@router.get("/posts/{post_id:int}/comments")
def comments(
    request: Request, post_id: PostId, kith: KithDep, member_id: MemberId, part: Part = ""
) -> Response:
    """The post's bar with its comments open (htmx), or only the comments (``part=list``,
    loaded by the post's own page), or the post's page."""
    if not is_htmx(request):
        return redirect(request, f"/posts/{post_id}#comments-{post_id}")
    if part != "list":
        return _answer(request, kith, member_id, post_id, comments=True)
    with kith.uow(write=False) as ctx:
        context = _bar(ctx, me(ctx, member_id), post_id, comments=True)
    return render(request, "posts/_comments.html", context)


@router.post("/posts/{post_id:int}/comments")
def comment(
    request: Request, post_id: PostId, kith: KithDep, member_id: MemberId, body: Text = ""
) -> Response:
    with kith.uow() as ctx:
        engagement.add_comment(ctx, me(ctx, member_id), post_id, body)
    return _answer(request, kith, member_id, post_id, comments=True)


def _comment_action(
    request: Request, kith: KithDep, member_id: int, comment_id: int, act: Any
) -> Response:
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        _comment, post = engagement.visible_comment(ctx, member.id, comment_id)
        post_id = post.id
        act(ctx, member)
    return _answer(request, kith, member_id, post_id, comments=True)


@router.post("/comments/{comment_id:int}/replies")
def reply(
    request: Request, comment_id: CommentId, kith: KithDep, member_id: MemberId, body: Text = ""
) -> Response:
    def act(ctx: Ctx, member: Member) -> None:
        parent, post = engagement.visible_comment(ctx, member.id, comment_id)
        engagement.add_comment(ctx, member, post.id, body, reply_to=parent.id)

    return _comment_action(request, kith, member_id, comment_id, act)


@router.post("/comments/{comment_id:int}/edit")
def edit(
    request: Request, comment_id: CommentId, kith: KithDep, member_id: MemberId, body: Text = ""
) -> Response:
    def act(ctx: Ctx, member: Member) -> None:
        engagement.edit_comment(ctx, member, comment_id, body)

    return _comment_action(request, kith, member_id, comment_id, act)


@router.post("/comments/{comment_id:int}/delete")
def delete(request: Request, comment_id: CommentId, kith: KithDep, member_id: MemberId) -> Response:
    def act(ctx: Ctx, member: Member) -> None:
        engagement.delete_comment(ctx, member, comment_id)

    return _comment_action(request, kith, member_id, comment_id, act)


@router.post("/comments/{comment_id:int}/reaction")
def react_to_comment(
    request: Request,
    comment_id: CommentId,
    kith: KithDep,
    member_id: MemberId,
    kind: Choice = "",
) -> Response:
    def act(ctx: Ctx, member: Member) -> None:
        if kind:
            engagement.react_to_comment(ctx, member, comment_id, kind)
        else:
            engagement.unreact_to_comment(ctx, member, comment_id)

    return _comment_action(request, kith, member_id, comment_id, act)


@router.post("/posts/{post_id:int}/notify")
def notify(
    request: Request, post_id: PostId, kith: KithDep, member_id: MemberId, on: Choice = ""
) -> Response:
    """The author's switch for notifications about this post."""
    with kith.uow() as ctx:
        engagement.set_notify(ctx, me(ctx, member_id), post_id, on == "on")
    toast = (
        "Notifications for this post are on."
        if on == "on"
        else ("You won't be notified about this post.")
    )
    return _answer(request, kith, member_id, post_id, comments=False, toast=toast)


def _audiences(ctx: Ctx, member: Member) -> dict[str, Any]:
    """The repost form's choices: the member's own tiers and tags."""
    tiers = ctx.session.execute(
        select(Tier.id, Tier.name).where(Tier.owner_id == member.id).order_by(Tier.name)
    ).all()
    tags = ctx.session.execute(
        select(Tag.id, Tag.name).where(Tag.owner_id == member.id).order_by(Tag.name)
    ).all()
    return {"tiers": [tuple(t) for t in tiers], "tags": [tuple(t) for t in tags]}


@router.get("/posts/{post_id:int}/repost")
def repost_form(request: Request, post_id: PostId, kith: KithDep, member_id: MemberId) -> Response:
    """The repost form: a dialog for htmx, a page without scripts."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        post = visible_post(ctx, viewer.id, post_id)
        card = post_card(ctx, viewer, post)
        original = card.original or card
        context = {
            "c": card,
            "original": original,
            "dialog": is_htmx(request),
            "max": ctx.settings.post_max_length,
            **_audiences(ctx, viewer),
        }
        nav = nav_for(ctx, viewer)
    name = "posts/_repost_dialog.html" if is_htmx(request) else "posts/repost.html"
    return render(request, name, context, nav=nav)


@router.post("/posts/{post_id:int}/repost")
def repost(
    request: Request,
    post_id: PostId,
    kith: KithDep,
    member_id: MemberId,
    body: Text = "",
    audience: Choice = "anyone",
    target: Choice = "",
) -> Response:
    """Repost, with or without one's own text, to an audience no wider than the
    original's (``target`` names the tier or tag: ``tier:3``, ``tag:5``)."""
    tier_id = tag_id = None
    kind, _, number = target.partition(":")
    if number.isdigit() and len(number) < 10:
        tier_id = int(number) if kind == "tier" else None
        tag_id = int(number) if kind == "tag" else None
    with kith.uow() as ctx:
        made = engagement.repost(
            ctx,
            me(ctx, member_id),
            post_id,
            body,
            audience=audience,
            tier_id=tier_id,
            tag_id=tag_id,
        )
        new_id = made.id
    if not is_htmx(request):
        return redirect(request, f"/posts/{new_id}")
    return _answer(request, kith, member_id, post_id, comments=False, toast="Reposted.")


@router.get("/posts/{post_id:int}/reactions")
def who_reacted(
    request: Request, post_id: PostId, kith: KithDep, member_id: MemberId, page: PageNo = 1
) -> Response:
    """Who reacted, by degree: a dialog for htmx, a page without scripts."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        result, headline = reactors.reactors(ctx, viewer, post_id, page_request(ctx, page))
        found = badges(ctx, viewer, [r.member.id for r in result.items])
        groups: list[dict[str, Any]] = []
        for r in result.items:
            heading = DEGREE_HEADINGS.get(r.degree, "Out of network")
            if not groups or groups[-1]["heading"] != heading:
                groups.append({"heading": heading, "people": []})
            groups[-1]["people"].append(
                {
                    "who": person(r.member, found[r.member.id]),
                    "kind": r.kind,
                    "me": r.member.id == viewer.id,
                }
            )
        nav = nav_for(ctx, viewer)
    context = {
        "post_id": post_id,
        "groups": groups,
        "headline": headline,
        "page": result,
        "base": f"/posts/{post_id}/reactions?",
        "labels": engagement.REACTION_LABELS,
    }
    name = "posts/_reactors_dialog.html" if is_htmx(request) else "posts/reactions.html"
    return render(request, name, context, nav=nav)
