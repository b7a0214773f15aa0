"""Impressions counted in memory and written in batches; post insights by degree
(both databases)."""

from __future__ import annotations

from collections import Counter

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kith.errors import KithError
from kith.models import PostImpression
from kith.posts import impressions
from kith.posts.impressions import ImpressionCounter, add_counts
from kith.posts.insights import post_insights
from kith.runtime import Kith
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.posts import make_comment, make_post, react
from tests.fixtures.queries import count_statements


def _stored(kith: Kith, post_id: int) -> dict[int, int]:
    with kith.uow(write=False) as ctx:
        rows = ctx.session.execute(
            select(PostImpression.degree, PostImpression.count).where(
                PostImpression.post_id == post_id
            )
        ).all()
    return dict(rows)


def test_views_are_counted_by_degree_and_written_in_one_batch(kith: Kith) -> None:
    with kith.uow() as ctx:
        ana, ben, cai, dee = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai", "Dee"))
        connect(ctx, ana, ben)
        connect(ctx, ben, cai)
        post = make_post(ctx, ana, "Hello")
        other = make_post(ctx, ben, "Other")
        ids = (ana.id, ben.id, cai.id, dee.id, post.id, other.id)
    ana_id, ben_id, cai_id, dee_id, post_id, other_id = ids
    counter = ImpressionCounter(kith, flush_seconds=60, flush_views=1000)

    class Shown:
        def __init__(self, id: int, author_id: int) -> None:  # noqa: A002
            self.id, self.author_id = id, author_id

    shown = [Shown(post_id, ana_id)]
    degrees = impressions.degrees_from(kith, ben_id, [ana_id])
    assert degrees == {ana_id: 1}
    assert impressions.degrees_from(kith, cai_id, [ana_id]) == {ana_id: 2}
    assert impressions.degrees_from(kith, dee_id, [ana_id]) == {ana_id: 3}

    kith.services["impressions"] = counter
    try:
        with count_statements(kith) as queries:
            for viewer in (ben_id, ben_id, cai_id, dee_id, ana_id):  # the author: not counted
                impressions.seen(kith, viewer, [*shown, Shown(other_id, ben_id)])
        # Only degree look-ups: nothing is written while views are counted.
        assert not any(q.lstrip().upper().startswith(("INSERT", "UPDATE")) for q in queries)
        assert counter.pending(post_id) == {1: 2, 2: 1, 3: 1}
        assert _stored(kith, post_id) == {}
        assert counter.flush() == 4 + 3  # Ben does not count on his own post
        assert _stored(kith, post_id) == {1: 2, 2: 1, 3: 1}
        assert counter.pending(post_id) == {1: 0, 2: 0, 3: 0}
        # Another process's deltas add up; nothing is overwritten.
        impressions.seen(kith, dee_id, shown)
        with kith.uow() as ctx:
            add_counts(ctx, Counter({(post_id, 1): 5}))
        counter.flush()
        assert _stored(kith, post_id) == {1: 7, 2: 1, 3: 2}
    finally:
        kith.services.pop("impressions", None)


def test_flush_at_the_view_limit_and_deleted_posts_are_dropped(kith: Kith) -> None:
    with kith.uow() as ctx:
        ana = make_member(ctx, "Ana")
        post = make_post(ctx, ana)
        gone = make_post(ctx, ana)
        post_id, gone_id = post.id, gone.id
    counter = ImpressionCounter(kith, flush_seconds=60, flush_views=3)
    counter.add([(gone_id, 3)])
    with kith.uow() as ctx:
        ctx.session.delete(ctx.session.get_one(type(post), gone_id))
    counter.add([(post_id, 1), (post_id, 1)])  # the third view writes the batch
    assert _stored(kith, post_id) == {1: 2}
    assert _stored(kith, gone_id) == {}
    assert counter.pending(post_id) == {1: 0, 2: 0, 3: 0}


def test_background_thread_flushes_and_stop_writes_the_rest(kith: Kith) -> None:
    with kith.uow() as ctx:
        post = make_post(ctx, make_member(ctx, "Ana"))
        post_id = post.id
    counter = ImpressionCounter(kith, flush_seconds=3600, flush_views=10_000)
    counter.start()
    counter.add([(post_id, 2)] * 3)
    counter.stop()
    assert _stored(kith, post_id) == {2: 3}


def test_insights_by_degree_for_the_author_only(kith: Kith) -> None:
    with kith.uow() as ctx:
        ana, ben, cai, dee, eve = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai", "Dee", "Eve"))
        connect(ctx, ana, ben)
        connect(ctx, ben, cai)
        post = make_post(ctx, ana, "Big news today")
        hidden = make_post(ctx, ana, "Only me", "only_me")
        react(ctx, ben, post, "celebrate")
        make_comment(ctx, ben, post, "Congrats")
        make_comment(ctx, cai, post, "Well done")
        make_post(ctx, dee, "", repost_of_id=post.id)
        react(ctx, ana, post)  # the author's own reaction is not engagement
        add_counts(ctx, Counter({(post.id, 1): 4, (post.id, 3): 2}))

        found = post_insights(ctx, ana, post.id, {2: 1})
        by = {d.degree: d for d in found.degrees}
        assert [(by[d].impressions, by[d].engaged) for d in (1, 2, 3)] == [(4, 1), (1, 1), (2, 1)]
        assert (by[1].reactions, by[1].commenters, by[1].reposts) == (1, 1, 0)
        assert [e.member.id for e in by[2].people] == [cai.id]
        assert by[3].people[0].reposted
        assert by[3].reposts == 1
        assert found.impressions == 7
        assert found.engaged == 3

        with pytest.raises(KithError) as refused:
            post_insights(ctx, ben, post.id)
        assert refused.value.code == "not_post_author"
        with pytest.raises(KithError) as refused:
            post_insights(ctx, eve, hidden.id)
        assert refused.value.code == "post_not_found"


def test_insights_api_and_page(kith: Kith, client: TestClient) -> None:
    with kith.uow() as ctx:
        ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
        connect(ctx, ana, ben)
        post = make_post(ctx, ana, "Hello network")
        react(ctx, ben, post)
        post_id, as_ana, as_ben = post.id, bearer(ctx, ana), bearer(ctx, ben)
        ben_id = ben.id
    impressions.seen(kith, ben_id, [post])
    body = client.get(f"/api/v1/posts/{post_id}/insights", headers=as_ana).json()
    assert body["impressions"] == 1
    assert body["by_degree"][0]["engaged"] == 1
    assert body["by_degree"][0]["people"][0]["reaction"] == "like"
    r = client.get(f"/api/v1/posts/{post_id}/insights", headers=as_ben)
    assert (r.status_code, r.json()["error"]) == (403, "not_post_author")
    r = client.get(f"/api/v1/posts/{2**40}/insights", headers=as_ana)
    assert (r.status_code, r.json()["error"]) == (404, "post_not_found")
