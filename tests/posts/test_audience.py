"""The audience rule (kith.posts.audience), on both databases: every audience, blocks,
deactivated authors, deleted tiers and tags, and reposts that would widen an audience."""

from __future__ import annotations

import pytest

from kith.blocks.service import block, unblock
from kith.errors import NotFound
from kith.models import Member, Post
from kith.posts.audience import can_see, visible_post
from kith.relationships.records import set_tier, tag_contact
from kith.relationships.tiers_tags import create_tier, delete_tag, delete_tier
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import connect, make_member


def _post(ctx: Ctx, author: Member, audience: str = "anyone", **kw: object) -> Post:
    post = Post(author_id=author.id, body="Hello", audience=audience, created_at=ctx.clock.now())
    for key, value in kw.items():
        setattr(post, key, value)
    ctx.session.add(post)
    ctx.session.flush()
    return post


def _seen_by(ctx: Ctx, post: Post, *members: Member) -> list[bool]:
    return [can_see(ctx, m.id, post.id) for m in members]


def test_each_audience(kith: Kith) -> None:
    with kith.uow() as ctx:
        ana, ben, cai, dee = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai", "Dee"))
        connect(ctx, ana, ben)
        connect(ctx, ana, cai)
        tier = create_tier(ctx, ana, "Mentors")
        set_tier(ctx, ana, ben, tier.id)
        tag = tag_contact(ctx, ana, cai, "climbing")

        anyone = _post(ctx, ana)
        conns = _post(ctx, ana, "connections")
        tiered = _post(ctx, ana, "tier", audience_tier_id=tier.id)
        tagged = _post(ctx, ana, "tag", audience_tag_id=tag.id)
        mine = _post(ctx, ana, "only_me")

        assert _seen_by(ctx, anyone, ana, ben, cai, dee) == [True, True, True, True]
        assert _seen_by(ctx, conns, ana, ben, cai, dee) == [True, True, True, False]
        assert _seen_by(ctx, tiered, ana, ben, cai, dee) == [True, True, False, False]
        assert _seen_by(ctx, tagged, ana, ben, cai, dee) == [True, False, True, False]
        assert _seen_by(ctx, mine, ana, ben, cai, dee) == [True, False, False, False]

        with pytest.raises(NotFound) as refused:
            visible_post(ctx, dee.id, conns.id)
        assert refused.value.code == "post_not_found"
        assert visible_post(ctx, ben.id, conns.id).id == conns.id

        # A deleted tier or tag reaches no one but the author.
        delete_tier(ctx, ana, tier.id)
        delete_tag(ctx, ana, tag.id)
        ctx.session.expire_all()
        assert _seen_by(ctx, tiered, ana, ben, cai) == [True, False, False]
        assert _seen_by(ctx, tagged, ana, ben, cai) == [True, False, False]


def test_blocks_hide_both_ways_and_deactivated_authors(kith: Kith) -> None:
    with kith.uow() as ctx:
        ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
        post = _post(ctx, ana)
        block(ctx, ben, ana)
        assert _seen_by(ctx, post, ana, ben, cai) == [True, False, True]
        bens = _post(ctx, ben)
        assert _seen_by(ctx, bens, ana, ben) == [False, True]
        unblock(ctx, ben, ana)
        assert _seen_by(ctx, post, ben) == [True]
        ana.is_active = False
        ctx.session.flush()
        assert _seen_by(ctx, post, ben, cai) == [False, False]


def test_a_repost_never_widens_the_original(kith: Kith) -> None:
    with kith.uow() as ctx:
        ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
        connect(ctx, ana, ben)
        connect(ctx, ben, cai)
        original = _post(ctx, ana, "connections")
        # Ben reposts to anyone: Cai is not Ana's connection and sees neither.
        repost = _post(ctx, ben, "anyone", repost_of_id=original.id)
        assert _seen_by(ctx, repost, ana, ben, cai) == [True, True, False]
        public = _post(ctx, ana)
        shared = _post(ctx, ben, "connections", repost_of_id=public.id)
        assert _seen_by(ctx, shared, ana, ben, cai) == [True, True, True]
        # A block between the reader and the original's author hides the repost too.
        block(ctx, cai, ana)
        assert _seen_by(ctx, shared, cai) == [False]
