"""The home feed (kith.posts.feed) on both databases: both orders and their cursors,
reasons in words from the viewer's own data, hide / see fewer / unfollow, the
audience rule and blocks, and no engagement from strangers in *For you*."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kith.blocks.service import block
from kith.clock import FrozenClock
from kith.errors import Invalid, NotFound
from kith.follows.service import follow, unfollow
from kith.models import Comment, Member, Post, Reaction, Tier
from kith.posts import feed as service
from kith.posts.feed_windows import Windows, windows
from kith.relationships.records import set_tier, tag_contact
from kith.relationships.tiers_tags import create_tier, ensure_default_tiers
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import connect, make_member


def _post(
    ctx: Ctx, author: Member, body: str = "Hello", audience: str = "anyone", **kw: object
) -> Post:
    post = Post(author_id=author.id, body=body, audience=audience, created_at=ctx.clock.now())
    for key, value in kw.items():
        setattr(post, key, value)
    ctx.session.add(post)
    ctx.session.flush()
    return post


def _react(ctx: Ctx, member: Member, post: Post) -> None:
    ctx.session.add(
        Reaction(member_id=member.id, post_id=post.id, kind="like", created_at=ctx.clock.now())
    )
    post.reaction_count += 1
    ctx.session.flush()


def _comment(ctx: Ctx, member: Member, post: Post) -> None:
    ctx.session.add(
        Comment(post_id=post.id, author_id=member.id, body="Well said", created_at=ctx.clock.now())
    )
    post.comment_count += 1
    ctx.session.flush()


def windows_of(kith: Kith) -> Windows:
    found = kith.services["feed_windows"]
    assert isinstance(found, Windows)
    return found


def _bodies(page: service.FeedPage) -> list[str]:
    return [i.post.body for i in page.items]


def _all(ctx: Ctx, viewer: Member, order: str, limit: int) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        page = service.feed(ctx, viewer, order, cursor, limit)
        seen += _bodies(page)
        cursor = page.next_cursor
        if cursor is None:
            return seen


def test_recent_is_strictly_by_time_and_its_cursor_holds_under_new_posts(
    kith: Kith, clock: FrozenClock
) -> None:
    with kith.uow() as ctx:
        me, ana, ben, cai = (make_member(ctx, n) for n in ("Me", "Ana", "Ben", "Cai"))
        connect(ctx, me, ana)  # connecting follows both ways
        follow(ctx, me, ben)
        for i in range(7):
            clock.advance(minutes=5)
            _post(ctx, (ana, ben, me)[i % 3], f"p{i}")
        _post(ctx, cai, "stranger")  # not followed: never in the feed
        first = service.feed(ctx, me, "recent", None, 3)
        assert _bodies(first) == ["p6", "p5", "p4"]
        assert [i.reason for i in first.items] == [
            "You're connected to Ana",
            "Your post",
            "You follow Ben",
        ]
        clock.advance(minutes=5)
        _post(ctx, ana, "newer")  # written while the viewer reads: pages don't shift
        assert service.new_count(ctx, me, first.newest_at) == 1  # type: ignore[arg-type]
        second = service.feed(ctx, me, "recent", first.next_cursor, 3)
        third = service.feed(ctx, me, "recent", second.next_cursor, 3)
        assert _bodies(second) + _bodies(third) == ["p3", "p2", "p1", "p0"]
        assert third.next_cursor is None
        assert _all(ctx, me, "recent", 2)[0] == "newer"


def test_for_you_ranks_by_the_viewers_ties_and_says_why(kith: Kith, clock: FrozenClock) -> None:
    with kith.uow() as ctx:
        me, ana, ben, cai, dee = (make_member(ctx, n) for n in ("Me", "Ana", "Ben", "Cai", "Dee"))
        for other in (ana, ben, cai):
            connect(ctx, me, other)
        follow(ctx, me, dee)
        ensure_default_tiers(ctx, me)
        inner = ctx.session.scalars(
            select(Tier).where(Tier.owner_id == me.id).order_by(Tier.position)
        ).first()
        assert inner is not None
        _post(ctx, ana, "ana")
        clock.advance(minutes=30)
        _post(ctx, ben, "ben")
        _post(ctx, cai, "cai")
        _post(ctx, dee, "dee")
        set_tier(ctx, me, ana, inner.id)
        tag_contact(ctx, me, cai, "mentor")
        page = service.feed(ctx, me, "for_you", None, 10)
        reasons = {i.post.body: i.reason for i in page.items}
        assert reasons == {
            "ana": f"Ana is in your {inner.name}",
            "ben": "You're connected to Ben",
            "cai": "You tagged Cai “mentor”",
            "dee": "You follow Dee",
        }
        # Older, but in the viewer's first tier: Ana comes first.
        assert _bodies(page)[0] == "ana"
        # Her tier is the viewer's own record: Ana's feed shows nothing of it.
        assert "Inner" not in " ".join(i.reason for i in service.feed(ctx, ana).items)


def test_for_you_pages_neither_repeat_nor_skip_while_posts_arrive(
    kith: Kith, clock: FrozenClock
) -> None:
    with kith.uow() as ctx:
        me = make_member(ctx, "Me")
        others = [make_member(ctx, f"A{i}") for i in range(5)]
        for other in others:
            connect(ctx, me, other)
        create_tier(ctx, me, "Close")
        for i in range(23):
            clock.advance(minutes=17)
            _post(ctx, others[i % 5], f"p{i}")
        seen: list[str] = []
        cursor = None
        while True:
            page = service.feed(ctx, me, "for_you", cursor, 4)
            seen += _bodies(page)
            clock.advance(minutes=1)
            _post(ctx, others[0], f"late{len(seen)}")  # not in this ranking's window
            cursor = page.next_cursor
            if cursor is None:
                break
        assert sorted(seen) == sorted(f"p{i}" for i in range(23))


def test_a_next_page_is_the_same_from_the_kept_window_or_ranked_again(
    kith: Kith, clock: FrozenClock
) -> None:
    """The process keeps a first page's ranking for the next pages; a process that
    has none (another replica, a restart) ranks again and finds the same order; an
    unfollow, a hide or a block between pages still acts at once."""
    with kith.uow() as ctx:
        me = make_member(ctx, "Me")
        ana, ben, cy = (make_member(ctx, n) for n in ("Ana", "Ben", "Cy"))
        for other in (ana, ben, cy):
            connect(ctx, me, other)
        posts = {}
        for i in range(12):
            clock.advance(minutes=13)
            author = (ana, ben, cy)[i % 3]
            posts[f"p{i}"] = _post(ctx, author, f"p{i}")
        first = service.feed(ctx, me, "for_you", None, 4)
        assert first.next_cursor is not None
        kept = windows(ctx)
        assert kept.get(me.id, clock.now()) is not None
        from_kept = service.feed(ctx, me, "for_you", first.next_cursor, 4)
        kept.drop(me.id)
        ranked_again = service.feed(ctx, me, "for_you", first.next_cursor, 4)
        assert _bodies(from_kept) == _bodies(ranked_again)
        assert [i.reason for i in from_kept.items] == [i.reason for i in ranked_again.items]
        assert from_kept.next_cursor == ranked_again.next_cursor
        # What the viewer does between pages shows on the next page, kept or not.
        service.feed(ctx, me, "for_you", None, 4)
        before = service.feed(ctx, me, "for_you", first.next_cursor, 50)
        assert {i.post.author_id for i in before.items} == {ana.id, ben.id, cy.id}
        assert "p1" in _bodies(before)
        unfollow(ctx, me, ana)
        service.hide(ctx, me, posts["p1"].id)  # Ben's
        block(ctx, me, cy)
        after = service.feed(ctx, me, "for_you", first.next_cursor, 50)
        assert _bodies(after) == [
            i.post.body for i in before.items if i.post.author_id == ben.id and i.post.body != "p1"
        ]
        assert _bodies(after)


def test_see_fewer_drops_the_kept_window(kith: Kith, clock: FrozenClock) -> None:
    with kith.uow() as ctx:
        me, ana = make_member(ctx, "Me"), make_member(ctx, "Ana")
        connect(ctx, me, ana)
        for i in range(3):
            clock.advance(minutes=5)
            _post(ctx, ana, f"a{i}")
        service.feed(ctx, me, "for_you", None, 1)
        me_id, ana_id = me.id, ana.id
    assert windows_of(kith).get(me_id, clock.now()) is not None
    with kith.uow() as ctx:
        me, ana = ctx.session.get_one(Member, me_id), ctx.session.get_one(Member, ana_id)
        service.see_fewer(ctx, me, ana)
    assert windows_of(kith).get(me_id, clock.now()) is None


def test_engagement_counts_only_from_the_viewers_connections(
    kith: Kith, clock: FrozenClock
) -> None:
    with kith.uow() as ctx:
        me, ana, ben, cai, eve = (make_member(ctx, n) for n in ("Me", "Ana", "Ben", "Cai", "Eve"))
        strangers = [make_member(ctx, f"S{i}") for i in range(4)]
        connect(ctx, me, ana)
        connect(ctx, me, ben)
        connect(ctx, me, cai)
        popular = _post(ctx, ana, "popular with strangers")
        for s in strangers:
            _react(ctx, s, popular)
        liked = _post(ctx, ana, "liked by my network")
        _react(ctx, ben, liked)
        _react(ctx, cai, liked)
        # Eve is a stranger to me; Ben (my connection) commented on her post.
        eves = _post(ctx, eve, "eve's post")
        _comment(ctx, ben, eves)
        clock.advance(minutes=1)
        page = service.feed(ctx, me, "for_you")
        reasons = {i.post.body: i.reason for i in page.items}
        assert reasons["liked by my network"] == "2 of your connections reacted"
        assert reasons["popular with strangers"] == "You're connected to Ana"
        assert reasons["eve's post"] == "Ben commented on this"
        via = next(i for i in page.items if i.post.body == "eve's post")
        assert via.via is not None
        assert via.via.id == ben.id
        assert via.via_kind == "commented"
        assert _bodies(page).index("liked by my network") < _bodies(page).index(
            "popular with strangers"
        )
        # Recent keeps to the followed authors, strictly by time.
        assert "eve's post" not in _bodies(service.feed(ctx, me, "recent"))


def test_hide_fewer_and_unfollow_act_at_once(kith: Kith, clock: FrozenClock) -> None:
    with kith.uow() as ctx:
        me, ana, ben = (make_member(ctx, n) for n in ("Me", "Ana", "Ben"))
        connect(ctx, me, ana)
        connect(ctx, me, ben)
        a1 = _post(ctx, ana, "a1")
        clock.advance(minutes=10)
        _post(ctx, ana, "a2")
        clock.advance(minutes=10)
        _post(ctx, ben, "b1")
        clock.advance(minutes=10)
        _post(ctx, ana, "a3")
        assert _bodies(service.feed(ctx, me, "for_you"))[0] == "a3"
        service.hide(ctx, me, a1.id)
        service.hide(ctx, me, a1.id)  # idempotent
        assert "a1" not in _bodies(service.feed(ctx, me, "recent"))
        assert "a1" not in _bodies(service.feed(ctx, me, "for_you"))
        service.unhide(ctx, me, a1.id)
        assert "a1" in _bodies(service.feed(ctx, me, "recent"))
        service.see_fewer(ctx, me, ana)
        assert _bodies(service.feed(ctx, me, "for_you"))[0] == "b1"
        assert _bodies(service.feed(ctx, me, "recent"))[0] == "a3"  # Recent is by time
        service.see_more(ctx, me, ana)
        assert _bodies(service.feed(ctx, me, "for_you"))[0] == "a3"
        unfollow(ctx, me, ana)  # still connected, no longer in the feed
        assert _bodies(service.feed(ctx, me, "recent")) == ["b1"]
        with pytest.raises(Invalid) as refused:
            service.see_fewer(ctx, me, me)
        assert refused.value.code == "self_fewer"


def test_audience_and_blocks_on_every_order(kith: Kith, clock: FrozenClock) -> None:
    with kith.uow() as ctx:
        me, ana, ben = (make_member(ctx, n) for n in ("Me", "Ana", "Ben"))
        follow(ctx, me, ana)  # follows Ana without being connected
        connect(ctx, me, ben)
        _post(ctx, ana, "ana public")
        secret = _post(ctx, ana, "ana connections", "connections")
        tier = create_tier(ctx, ben, "Board")
        _post(ctx, ben, "ben tier", "tier", audience_tier_id=tier.id)
        _post(ctx, ben, "ben only", "only_me")
        clock.advance(minutes=1)
        for order in service.ORDERS:
            assert sorted(_bodies(service.feed(ctx, me, order))) == ["ana public"], order
        with pytest.raises(NotFound) as refused:
            service.hide(ctx, me, secret.id)
        assert refused.value.code == "post_not_found"
        block(ctx, ana, me)
        for order in service.ORDERS:
            assert _bodies(service.feed(ctx, me, order)) == [], order


def test_bad_cursors_orders_and_limits_are_refused(kith: Kith) -> None:
    with kith.uow() as ctx:
        me = make_member(ctx, "Me")
        recent = service._encode("r", 1, 1)
        for order, cursor in (
            ("recent", "not a cursor!"),
            ("recent", "cjox"),
            ("for_you", recent),
            ("recent", service._encode("r", -5, 1)),
            ("recent", service._encode("r", 10**30, 1)),
            ("for_you", service._encode("f", 1, "nan", 1)),
            ("recent", "x" * 500),
        ):
            with pytest.raises(Invalid) as refused:
                service.feed(ctx, me, order, cursor)
            assert refused.value.code == "invalid_cursor", cursor
        with pytest.raises(Invalid) as refused:
            service.feed(ctx, me, "popular")
        assert refused.value.code == "invalid_order"
        with pytest.raises(Invalid) as refused:
            service.feed(ctx, me, "recent", None, 0)
        assert refused.value.code == "invalid_limit"
        assert service.feed(ctx, me, "recent", recent).items == []
