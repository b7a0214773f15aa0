"""REST endpoints for posts: write, read, edit and delete one; a post's images; a
member's activity. A post the caller may not read is ``post_not_found`` from each."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile, status

from kith.models import Member
from kith.posts import activity, images, service
from kith.posts.audience import visible_post
from kith.posts.cursor import Cursor
from kith.posts.schemas import (
    ActivityOut,
    CursorParam,
    EngagementItemOut,
    EngagementOut,
    PostId,
    PostIn,
    PostOut,
    PostPatch,
)
from kith.posts.views import post_card, post_cards
from kith.uow import Ctx
from kith.web.deps import ApiMemberId, KithDep, me
from kith.web.params import PerPage

router = APIRouter(tags=["posts"])

IMAGES = "Up to 4 JPEG, PNG or WebP images of up to KITH_PHOTO_MAX_MB (8 MB) each"
ALTS = "Alt text for each image, in the same order (up to 500 characters each)"


def _out(ctx: Ctx, viewer: Member, post_id: int) -> PostOut:
    return PostOut.of(post_card(ctx, viewer, visible_post(ctx, viewer.id, post_id)))


@router.post("/posts", status_code=status.HTTP_201_CREATED)
def create_post(body: PostIn, kith: KithDep, member_id: ApiMemberId) -> PostOut:
    """Write a post (text, audience, mentions). Images follow with
    `PUT /posts/{id}/images`. Refusals: `post_empty`, `post_too_long`, `invalid_text`,
    `invalid_audience`, `tier_not_found`, `tag_not_found`, `group_not_found`,
    `group_archived`. A new member's post in a group that asks for approval waits for
    a manager (`awaiting_approval`)."""
    audience = service.Audience(body.audience, body.tier_id, body.tag_id, body.group_id)
    draft = service.Draft(body.body, audience, body.notify)
    post_id = service.publish(kith, lambda ctx: me(ctx, member_id), draft)
    with kith.uow(write=False) as ctx:
        return _out(ctx, me(ctx, member_id), post_id)


@router.get("/posts/{post_id}")
def get_post(post_id: PostId, kith: KithDep, member_id: ApiMemberId) -> PostOut:
    """One post, with its author, images, counts, your reaction and, for a repost, its
    original."""
    with kith.uow(write=False) as ctx:
        return _out(ctx, me(ctx, member_id), post_id)


@router.patch("/posts/{post_id}")
def update_post(post_id: PostId, body: PostPatch, kith: KithDep, member_id: ApiMemberId) -> PostOut:
    """Edit your post's text or audience (marked edited) or turn its notifications on
    or off. Refusals as for writing one, and `not_post_author`."""
    fields = body.model_fields_set
    audience = None
    if "audience" in fields and body.audience is not None:
        audience = service.Audience(body.audience, body.tier_id, body.tag_id, body.group_id)
    with kith.uow() as ctx:
        member = me(ctx, member_id)
        service.edit_post(
            ctx,
            member,
            post_id,
            body=body.body if "body" in fields else None,
            audience=audience,
            notify_me=body.notify if "notify" in fields else None,
        )
        return _out(ctx, member, post_id)


@router.delete("/posts/{post_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_post(post_id: PostId, kith: KithDep, member_id: ApiMemberId) -> None:
    """Delete your post, with its images, comments, reactions and reposts."""
    with kith.uow() as ctx:
        service.delete_post(ctx, me(ctx, member_id), post_id)


@router.put("/posts/{post_id}/images")
def put_images(
    post_id: PostId,
    kith: KithDep,
    member_id: ApiMemberId,
    image: Annotated[list[UploadFile] | None, File(description=IMAGES)] = None,
    alt: Annotated[list[str] | None, Form(description=ALTS)] = None,
) -> PostOut:
    """Replace your post's images (multipart: repeated `image` files and `alt` texts;
    none removes them). Each is checked and resized like a profile photo (turned
    upright, stripped of EXIF and every other metadata, kept at 600 and 1,200 pixels
    wide in its own proportions). Refusals: `too_many_images`, `photo_too_large`,
    `photo_unsupported`, `photo_too_small`, `invalid_alt`, `post_empty`. Returns the
    post."""
    files = image or []
    texts = alt or []
    uploads = [
        images.Upload(f.file, texts[i] if i < len(texts) else "") for i, f in enumerate(files)
    ]
    service.replace_images(kith, lambda ctx: me(ctx, member_id), post_id, uploads)
    with kith.uow(write=False) as ctx:
        return _out(ctx, me(ctx, member_id), post_id)


@router.get("/members/{handle}/activity")
def member_activity(
    handle: str,
    kith: KithDep,
    member_id: ApiMemberId,
    cursor: CursorParam = None,
    per_page: PerPage = None,
) -> ActivityOut:
    """A member's posts and reposts that you may read, newest first; follow
    `next_cursor` for older ones."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        page = activity.member_activity(
            ctx,
            viewer,
            handle,
            before=Cursor.parse(cursor),
            limit=per_page or ctx.settings.page_size,
        )
        cards = post_cards(ctx, viewer, page.posts)
        return ActivityOut(
            items=[PostOut.of(c) for c in cards],
            next_cursor=page.next.encode() if page.next else None,
        )


@router.get("/members/{handle}/activity/engagement")
def member_engagement(
    handle: str,
    kith: KithDep,
    member_id: ApiMemberId,
    cursor: CursorParam = None,
    per_page: PerPage = None,
) -> EngagementOut:
    """A member's comments and reactions on posts you may read, newest first; follow
    `next_cursor` for older ones."""
    with kith.uow(write=False) as ctx:
        viewer = me(ctx, member_id)
        page = activity.member_engagement(
            ctx,
            viewer,
            handle,
            before=Cursor.parse(cursor),
            limit=per_page or ctx.settings.page_size,
        )
        return EngagementOut(
            items=[
                EngagementItemOut(
                    kind=i.kind,
                    at=i.at,
                    post_id=i.post_id,
                    comment_id=i.comment.id if i.comment is not None else None,
                    body=i.comment.body if i.comment is not None else None,
                    reaction=i.reaction,
                )
                for i in page.items
            ],
            next_cursor=page.next.encode() if page.next else None,
        )
