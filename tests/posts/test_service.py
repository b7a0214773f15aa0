"""Writing posts (kith.posts.service) on both databases: the text and audience rules,
images through the photo pipeline, mentions and their notifications, edits, deletes,
and the cards (kith.posts.views) with their query count."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select

from kith.blocks.service import block
from kith.members.photos import media_store
from kith.models import Member, Notification, Post, PostImage, PostMention
from kith.notifications.service import list_notifications, unread_count
from kith.pagination import PageRequest
from kith.posts import images, views
from kith.posts.service import (
    Audience,
    Draft,
    create_post,
    delete_post,
    edit_post,
    publish,
    replace_images,
)
from kith.relationships.records import set_tier, tag_contact
from kith.relationships.tiers_tags import create_tier
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import connect, make_member
from tests.fixtures.images import image_bytes, jpeg_with_exif
from tests.fixtures.refusals import refusal


def _mentions(ctx: Ctx, member: Member) -> list[Notification]:
    page = list_notifications(ctx, member, PageRequest(1, 50))
    return [n for n in page.items if n.kind == "post_mention"]


def test_text_rules(ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    refusal("post_empty", create_post, ctx, ana, Draft("  \n "))
    refusal("post_too_long", create_post, ctx, ana, Draft("x" * 3001))
    refusal("invalid_text", create_post, ctx, ana, Draft("a\x00b"))
    post = create_post(ctx, ana, Draft("  " + "é" * 3000 + "\r\n"))
    assert post.body == "é" * 3000
    assert post.audience == "anyone"
    assert post.edited_at is None


def test_audience_must_be_the_authors_own(ctx: Ctx) -> None:
    ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
    connect(ctx, ana, ben)
    bens_tier = create_tier(ctx, ben, "Climbers")
    bens_tag = tag_contact(ctx, ben, ana, "friends")
    refusal("invalid_audience", create_post, ctx, ana, Draft("Hi", Audience("group")))
    refusal("tier_not_found", create_post, ctx, ana, Draft("Hi", Audience("tier")))
    refusal(
        "tier_not_found", create_post, ctx, ana, Draft("Hi", Audience("tier", tier_id=bens_tier.id))
    )
    refusal(
        "tag_not_found", create_post, ctx, ana, Draft("Hi", Audience("tag", tag_id=bens_tag.id))
    )
    refusal("tag_not_found", create_post, ctx, ana, Draft("Hi", Audience("tag", tag_id=2**31 - 1)))
    tier = create_tier(ctx, ana, "Mentors")
    post = create_post(ctx, ana, Draft("Hi", Audience("tier", tier_id=tier.id, tag_id=bens_tag.id)))
    assert (post.audience, post.audience_tier_id, post.audience_tag_id) == ("tier", tier.id, None)


def test_mentions_notify_once_only_those_who_may_see(ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana", handle="ana-author")
    ben = make_member(ctx, "Ben", handle="ben-friend")
    cai = make_member(ctx, "Cai", handle="cai-stranger")
    dee = make_member(ctx, "Dee", handle="dee-blocked")
    connect(ctx, ana, ben)
    connect(ctx, ana, dee)
    block(ctx, dee, ana)
    body = "Thanks @ben-friend @Ben-Friend @cai-stranger @dee-blocked @nobody-here @ana-author"
    post = create_post(ctx, ana, Draft(body, Audience("connections")))
    assert [n.post_id for n in _mentions(ctx, ben)] == [post.id]
    assert _mentions(ctx, cai) == []
    assert _mentions(ctx, dee) == []
    assert _mentions(ctx, ana) == []
    rows = ctx.session.scalars(select(PostMention.member_id).where(PostMention.post_id == post.id))
    assert list(rows) == [ben.id]

    # An edit that keeps the mention tells no one again; opening it to anyone tells Cai.
    edit_post(ctx, ana, post.id, body=body + " again", audience=Audience("anyone"))
    assert len(_mentions(ctx, ben)) == 1
    assert len(_mentions(ctx, cai)) == 1
    # Removed and mentioned again: still told only once.
    edit_post(ctx, ana, post.id, body="No one now")
    edit_post(ctx, ana, post.id, body="Back @ben-friend")
    assert len(_mentions(ctx, ben)) == 1
    # Narrowed to only the author: the mention is gone and its notification hidden.
    unread = unread_count(ctx, ben)
    edit_post(ctx, ana, post.id, audience=Audience("only_me"))
    assert _mentions(ctx, ben) == []
    assert unread_count(ctx, ben) == unread - 1
    assert ctx.session.scalar(select(func.count()).select_from(PostMention)) == 0


def test_edit_marks_and_refusals(ctx: Ctx) -> None:
    ana, ben, cai = make_member(ctx, "Ana"), make_member(ctx, "Ben"), make_member(ctx, "Cai")
    connect(ctx, ana, ben)
    post = create_post(ctx, ana, Draft("First", Audience("connections")))
    edit_post(ctx, ana, post.id, body="First", notify_me=False)
    assert post.edited_at is None
    assert post.notify is False
    ctx.clock.advance(minutes=5)  # type: ignore[attr-defined]
    edit_post(ctx, ana, post.id, body="Second")
    assert post.body == "Second"
    assert post.edited_at == ctx.clock.now()
    refusal("post_empty", edit_post, ctx, ana, post.id, body=" ")
    refusal("post_too_long", edit_post, ctx, ana, post.id, body="y" * 3001)
    refusal("not_post_author", edit_post, ctx, ben, post.id, body="Mine")
    refusal("post_not_found", edit_post, ctx, cai, post.id, body="Mine")
    refusal("post_not_found", delete_post, ctx, cai, post.id)
    refusal("not_post_author", delete_post, ctx, ben, post.id)
    refusal("post_not_found", edit_post, ctx, ana, 2**31 - 1, body="x")


def test_delete_removes_reposts_and_mentions(ctx: Ctx) -> None:
    ana = make_member(ctx, "Ana")
    ben = make_member(ctx, "Ben", handle="ben-reader")
    post = create_post(ctx, ana, Draft("Hello @ben-reader"))
    repost = Post(author_id=ben.id, body="", repost_of_id=post.id, created_at=ctx.clock.now())
    ctx.session.add(repost)
    post.repost_count = 1
    ctx.session.flush()
    mine = Post(author_id=ana.id, body="", repost_of_id=post.id, created_at=ctx.clock.now())
    ctx.session.add(mine)
    post.repost_count = 2
    ctx.session.flush()
    delete_post(ctx, ana, mine.id)
    ctx.session.refresh(post)
    assert post.repost_count == 1
    post_id, repost_id = post.id, repost.id
    delete_post(ctx, ana, post_id)
    ctx.session.expire_all()
    assert ctx.session.get(Post, repost_id) is None
    assert _mentions(ctx, ben) == []
    refusal("post_not_found", delete_post, ctx, ana, post_id)


def _upload(data: bytes, alt: str = "") -> images.Upload:
    return images.Upload(io.BytesIO(data), alt)


def test_images_keep_their_shape_without_metadata(kith: Kith) -> None:
    with kith.uow() as ctx:
        ana_id = make_member(ctx, "Ana").id

    def find(ctx: Ctx) -> Member:
        member = ctx.session.get(Member, ana_id)
        assert member is not None
        return member

    uploads = [
        _upload(jpeg_with_exif((1600, 800)), "A red and blue flag"),
        _upload(image_bytes("PNG", (300, 500)), ""),
    ]
    post_id = publish(kith, find, Draft(""), uploads)
    with kith.uow() as ctx:
        rows = list(
            ctx.session.scalars(
                select(PostImage).where(PostImage.post_id == post_id).order_by(PostImage.position)
            )
        )
    # Upright (EXIF orientation 6 turned the 1600 x 800 picture), never enlarged.
    assert [(r.width, r.height, r.alt) for r in rows] == [
        (800, 1600, "A red and blue flag"),
        (300, 500, ""),
    ]
    store = media_store(kith.settings)
    for row in rows:
        for width in (600, 1200):
            path = store.file(row.media_key, width)
            assert path is not None
            with Image.open(path) as image:
                assert image.format == "WEBP"
                assert not image.getexif()
                assert "icc_profile" not in image.info
                assert image.width == min(width, row.width)
    first = store.file(rows[0].media_key, 600)
    assert first is not None
    with Image.open(first) as image:
        assert image.size == (600, 1200)

    refusal("too_many_images", publish, kith, find, Draft("x"), [_upload(b"")] * 5)
    refusal("photo_unsupported", publish, kith, find, Draft("x"), [_upload(b"not an image")])
    refusal(
        "photo_too_small", publish, kith, find, Draft("x"), [_upload(image_bytes("PNG", (50, 400)))]
    )
    refusal("invalid_alt", publish, kith, find, Draft("x"), [_upload(image_bytes(), "a" * 501)])
    refusal("post_empty", publish, kith, find, Draft(" "), [])
    # A refused post leaves no files behind.
    refusal(
        "tier_not_found",
        publish,
        kith,
        find,
        Draft("x", Audience("tier", tier_id=1)),
        [_upload(image_bytes("PNG", (640, 480), (1, 2, 3)))],
    )
    folders = {p.name for p in Path(store.root).glob("*/*")}
    assert folders == {r.media_key for r in rows}

    # Replacing the images removes the old files after the commit.
    assert (
        replace_images(kith, find, post_id, [_upload(image_bytes("WEBP", (700, 300)), "Sky")]) == 1
    )
    folders = {p.name for p in Path(store.root).glob("*/*")}
    assert len(folders) == 1
    assert folders.isdisjoint({r.media_key for r in rows})
    refusal("post_empty", replace_images, kith, find, post_id, [])
    with kith.uow() as ctx:
        delete_post(ctx, find(ctx), post_id)
    assert not list(Path(store.root).glob("*/*"))


def test_cards_in_a_few_queries(kith: Kith, ctx: Ctx, counted: list[str]) -> None:
    kith.start_network(thread=False)
    ctx.graph = kith.network
    viewer = make_member(ctx, "Vic")
    tier = create_tier(ctx, viewer, "Close friends")
    posts: list[Post] = []
    counts: list[int] = []
    for size in (2, 8):
        for i in range(size):
            author = make_member(ctx, "Author", handle=f"author-{size}-{i}")
            connect(ctx, viewer, author)
            set_tier(ctx, viewer, author, tier.id)
            post = create_post(ctx, author, Draft(f"Hi @{viewer.handle} www.example.org"))
            ctx.session.add(
                PostImage(post_id=post.id, position=0, media_key="0" * 32, width=10, height=10)
            )
            repost = Post(
                author_id=viewer.id, body="Look", repost_of_id=post.id, created_at=ctx.clock.now()
            )
            ctx.session.add(repost)
            ctx.session.flush()
            posts += [post, repost]
        posts.append(create_post(ctx, viewer, Draft("Mine", Audience("tier", tier_id=tier.id))))
        assert kith.network is not None
        kith.network.poll()
        ctx.session.expire_all()
        loaded = list(ctx.session.scalars(select(Post).where(Post.id.in_([p.id for p in posts]))))
        counted.clear()
        cards = views.post_cards(ctx, viewer, loaded)
        assert len(counted) <= 9, counted
        counts.append(len(counted))
        assert len(cards) == len(loaded)
    assert counts[0] == counts[1]
    by_id = {c.id: c for c in cards}
    own = by_id[posts[-1].id]
    assert own.audience_label == "Close friends"
    assert own.mine
    first = by_id[posts[0].id]
    assert first.author["degree"] == 1
    assert first.images[0].width == 10
    assert f'href="/in/{viewer.handle}"' in first.html
    assert 'rel="nofollow noopener ugc"' in first.html
    shared = by_id[posts[1].id]
    assert shared.original is not None
    assert shared.original.id == posts[0].id
