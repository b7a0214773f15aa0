"""Post pages: write one (``/posts/new``, and the compose box that posts to
``/posts``), its permalink page, edit and delete (with a confirmation page), and a
member's activity (``/in/<handle>/activity``). A post the viewer may not read is the
error page's "There is no such post, or it isn't shared with you." from each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

from kith.errors import KithError
from kith.models import Member
from kith.posts import activity, images, impressions, service, views
from kith.posts.audience import visible_post
from kith.posts.cursor import Cursor
from kith.posts.engagement import REACTION_LABELS
from kith.posts.schemas import CursorParam, PostId
from kith.posts.text import first_words
from kith.runtime import Kith
from kith.uow import Ctx
from kith.web.deps import KithDep, me
from kith.web.render import MemberId, local_path, nav_for, redirect, render

router = APIRouter()

ACTIVITY_PAGE = 20


@dataclass
class PostForm:
    """A compose or edit form as it was sent."""

    values: dict[str, str]
    uploads: list[tuple[UploadFile, str]]  # a chosen file and its alt text

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    @property
    def alts(self) -> list[str]:
        return [self.values.get(f"alt_{i}", "") for i in range(1, 11)]


async def post_form(request: Request) -> PostForm:
    form = await request.form()
    values = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    uploads = []
    for i in range(1, 11):
        upload = form.get(f"image_{i}")
        if isinstance(upload, UploadFile) and (upload.filename or upload.size):
            uploads.append((upload, values.get(f"alt_{i}", "")))
    return PostForm(values, uploads)


PostFormDep = Annotated[PostForm, Depends(post_form)]


def _compose_page(
    request: Request,
    kith: Kith,
    member_id: int,
    *,
    form: PostForm | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        context = views.compose_context(
            ctx,
            member,
            body=form.get("body") if form else "",
            audience=form.get("audience", "anyone") if form else "anyone",
            alts=form.alts[: ctx.settings.post_max_images] if form else (),
            error=error,
            next_path=local_path(form.get("next"), "") if form else "",
        )
        nav = nav_for(ctx, member)
    return render(request, "posts/new.html", context, nav=nav, status=status)


@router.get("/posts/new")
def new_post(request: Request, kith: KithDep, member_id: MemberId) -> Response:
    return _compose_page(request, kith, member_id)


@router.post("/posts")
def create_post(
    request: Request, kith: KithDep, member_id: MemberId, form: PostFormDep
) -> Response:
    draft = service.Draft(form.get("body"), views.audience_choice(form.get("audience", "anyone")))
    uploads = [images.Upload(upload.file, alt) for upload, alt in form.uploads]
    try:
        post_id = service.publish(kith, lambda ctx: me(ctx, member_id), draft, uploads)
    except KithError as exc:
        return _compose_page(
            request, kith, member_id, form=form, error=exc.message, status=exc.status
        )
    return redirect(request, local_path(form.get("next"), f"/posts/{post_id}"))


def _card_context(ctx: Ctx, viewer: Member, post_id: int) -> dict[str, Any]:
    card = views.post_card(ctx, viewer, visible_post(ctx, viewer.id, post_id))
    return {"card": card}


@router.get("/posts/{post_id}")
def permalink(request: Request, post_id: PostId, kith: KithDep, member_id: MemberId) -> Response:
    """One post on its own page."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        context = _card_context(ctx, viewer, post_id)
        nav = nav_for(ctx, viewer)
    impressions.seen(kith, member_id, views.shown_posts([context["card"]]))
    return render(request, "posts/post.html", context, nav=nav)


def _edit_page(
    request: Request,
    kith: Kith,
    member_id: int,
    post_id: int,
    *,
    form: PostForm | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        post = service.own_post(ctx, member, post_id)
        alts = form.alts[: ctx.settings.post_max_images] if form else []
        context = {
            "post_id": post.id,
            "body": form.get("body") if form else post.body,
            "audience": form.get("audience")
            if form
            else views.choice_of(
                post.audience, post.audience_tier_id, post.audience_tag_id, post.audience_group_id
            ),
            "notify": (form.get("notify") == "on") if form else post.notify,
            "groups": views.audience_options(ctx, member),
            "max_length": ctx.settings.post_max_length,
            "images": [{"alt": i.alt, "urls": images.image_urls(i.media_key)} for i in post.images],
            "remove_images": bool(form and form.get("remove_images") == "on"),
            "is_repost": post.repost_of_id is not None,
            "max_images": ctx.settings.post_max_images,
            "max_mb": ctx.settings.photo_max_mb,
            "alts": alts + [""] * (ctx.settings.post_max_images - len(alts)),
            "any_alt": any(alts),
            "error": error,
        }
        nav = nav_for(ctx, member)
    return render(request, "posts/edit.html", context, nav=nav, status=status)


@router.get("/posts/{post_id}/edit")
def edit_post(request: Request, post_id: PostId, kith: KithDep, member_id: MemberId) -> Response:
    return _edit_page(request, kith, member_id, post_id)


@router.post("/posts/{post_id}/edit")
def save_post(
    request: Request, post_id: PostId, kith: KithDep, member_id: MemberId, form: PostFormDep
) -> Response:
    uploads: list[images.Upload] | None = None
    if form.uploads:  # new images take the place of the current ones
        uploads = [images.Upload(upload.file, alt) for upload, alt in form.uploads]
    elif form.get("remove_images") == "on":
        uploads = []
    try:
        service.revise(
            kith,
            lambda ctx: me(ctx, member_id),
            post_id,
            body=form.get("body"),
            audience=views.audience_choice(form.get("audience", "anyone")),
            notify_me=form.get("notify") == "on",
            uploads=uploads,
        )
    except KithError as exc:
        if exc.code in ("post_not_found", "not_post_author"):
            raise
        return _edit_page(
            request, kith, member_id, post_id, form=form, error=exc.message, status=exc.status
        )
    return redirect(request, f"/posts/{post_id}")


@router.get("/posts/{post_id}/delete")
def confirm_delete(
    request: Request, post_id: PostId, kith: KithDep, member_id: MemberId
) -> Response:
    """The question before a post is deleted."""
    with kith.uow(write=False) as ctx:
        member = me(ctx, member_id)
        service.own_post(ctx, member, post_id)
        context = _card_context(ctx, member, post_id)
        nav = nav_for(ctx, member)
    return render(request, "posts/delete.html", context, nav=nav)


@router.post("/posts/{post_id}/delete")
def delete_post(request: Request, post_id: PostId, kith: KithDep, member_id: MemberId) -> Response:
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        service.delete_post(ctx, member, post_id)
        handle = member.handle
    return redirect(request, f"/in/{handle}/activity?deleted=1")


@router.get("/in/{handle}/activity")
def member_activity(
    request: Request,
    handle: str,
    kith: KithDep,
    member_id: MemberId,
    cursor: CursorParam = None,
    deleted: bool = False,
    show: str = "posts",
) -> Response:
    """A member's posts and reposts that the viewer may read, newest first, or with
    ``show=engagement`` their comments and reactions on posts the viewer may read; one's
    own activity page has the compose box."""
    if show == "engagement":
        return _engagement_page(request, handle, kith, member_id, cursor)
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        page = activity.member_activity(
            ctx, viewer, handle, before=Cursor.parse(cursor), limit=ACTIVITY_PAGE
        )
        member = page.member
        context: dict[str, Any] = {
            "member": {
                "name": member.name,
                "handle": member.handle,
                "first_name": member.first_name,
            },
            "own": member.id == viewer.id,
            "cards": (cards := views.post_cards(ctx, viewer, page.posts)),
            "next": f"/in/{member.handle}/activity?cursor={page.next.encode()}"
            if page.next
            else "",
            "first_page": cursor is None,
            "deleted": deleted,
            "show": "posts",
        }
        if context["own"]:
            context |= views.compose_context(ctx, viewer, next_path=f"/in/{member.handle}/activity")
        nav = nav_for(ctx, viewer)
    impressions.seen(kith, member_id, views.shown_posts(cards))
    return render(request, "posts/activity.html", context, nav=nav)


def _engagement_page(
    request: Request, handle: str, kith: Kith, member_id: int, cursor: str | None
) -> Response:
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        page = activity.member_engagement(
            ctx, viewer, handle, before=Cursor.parse(cursor), limit=ACTIVITY_PAGE
        )
        member = page.member
        authors = {
            m.id: m
            for m in ctx.session.scalars(
                select(Member).where(Member.id.in_({p.author_id for p in page.posts.values()}))
            )
        }
        items = []
        for item in page.items:
            post = page.posts[item.post_id]
            author = authors[post.author_id]
            items.append(
                {
                    "kind": item.kind,
                    "at": item.at,
                    "url": f"/posts/{post.id}"
                    + (f"#comment-{item.comment.id}" if item.comment is not None else ""),
                    "text": item.comment.body if item.comment is not None else "",
                    "reaction": REACTION_LABELS.get(item.reaction or "", ""),
                    "whose": "your" if author.id == viewer.id else f"{author.name}’s",
                    "post_words": first_words(post.body),
                }
            )
        context: dict[str, Any] = {
            "member": {
                "name": member.name,
                "handle": member.handle,
                "first_name": member.first_name,
            },
            "own": member.id == viewer.id,
            "show": "engagement",
            "items": items,
            "next": f"/in/{member.handle}/activity?show=engagement&cursor={page.next.encode()}"
            if page.next
            else "",
            "first_page": cursor is None,
        }
        nav = nav_for(ctx, viewer)
    return render(request, "posts/activity.html", context, nav=nav)
