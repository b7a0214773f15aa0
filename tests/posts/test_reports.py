"""Reports of posts and comments and the administrators' queue, on both databases."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kith.errors import KithError
from kith.models import ContentReport, ModerationAction, Notification, Post
from kith.pagination import PageRequest
from kith.posts import reports
from kith.runtime import Kith
from tests.fixtures.factories import bearer, connect, make_member
from tests.fixtures.posts import assert_exact, make_comment, make_post, react


def _code(exc: pytest.ExceptionInfo[KithError]) -> str:
    return exc.value.code


def test_report_once_what_you_can_see(kith: Kith) -> None:
    with kith.uow() as ctx:
        ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
        connect(ctx, ana, ben)
        hidden = make_post(ctx, ana, "For my connections", "connections")
        public = make_post(ctx, ana, "Hello world")
        comment = make_comment(ctx, ben, public, "A comment")

        with pytest.raises(KithError) as refused:
            reports.report(ctx, cai, "post", hidden.id, reason="spam")
        assert _code(refused) == "post_not_found"
        with pytest.raises(KithError) as refused:
            reports.report(ctx, cai, "post", 999_999, reason="spam")
        assert _code(refused) == "post_not_found"
        with pytest.raises(KithError) as refused:
            reports.report(ctx, cai, "comment", 999_999, reason="spam")
        assert _code(refused) == "comment_not_found"
        with pytest.raises(KithError) as refused:
            reports.report(ctx, ana, "post", public.id, reason="spam")
        assert _code(refused) == "report_own"
        with pytest.raises(KithError) as refused:
            reports.report(ctx, cai, "post", public.id, reason="boring")
        assert _code(refused) == "invalid_report_reason"
        with pytest.raises(KithError) as refused:
            reports.report(ctx, cai, "post", public.id, reason="spam", detail="x" * 1001)
        assert _code(refused) == "report_detail_too_long"

        reports.report(ctx, ben, "post", hidden.id, reason="spam")
        reports.report(ctx, cai, "post", public.id, reason="other", detail="  odd  ")
        reports.report(ctx, cai, "comment", comment.id, reason="harassment")
        with pytest.raises(KithError) as refused:
            reports.report(ctx, cai, "post", public.id, reason="spam")
        assert _code(refused) == "already_reported"
        stored = ctx.session.scalars(select(ContentReport).order_by(ContentReport.id)).all()
        assert [(r.post_id, r.comment_id, r.detail) for r in stored] == [
            (hidden.id, None, ""),
            (public.id, None, "odd"),
            (None, comment.id, ""),
        ]


def test_queue_oldest_first_counts_reasons_and_admin_only(kith: Kith) -> None:
    with kith.uow() as ctx:
        admin = make_member(ctx, "Ada", role="admin")
        ana, ben, cai, dee = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai", "Dee"))
        first = make_post(ctx, ana, "First reported")
        second = make_post(ctx, ben, "Second reported")
        reports.report(ctx, ben, "post", first.id, reason="spam")
        ctx.clock.advance(minutes=5)  # type: ignore[attr-defined]
        reports.report(ctx, cai, "post", second.id, reason="hate")
        reports.report(ctx, cai, "post", first.id, reason="spam", detail="Selling things")
        reports.report(ctx, dee, "post", first.id, reason="misinformation")

        with pytest.raises(KithError) as refused:
            reports.queue(ctx, ana, PageRequest())
        assert _code(refused) == "admin_only"
        page = reports.queue(ctx, admin, PageRequest())
        assert page.total == 2
        top, nxt = page.items
        assert (top.id, top.reporters, top.reasons) == (
            first.id,
            3,
            [("spam", 2), ("misinformation", 1)],
        )
        assert top.details == ["Selling things"]
        assert (nxt.id, nxt.reporters) == (second.id, 1)
        assert reports.open_count(ctx) == 2


def test_remove_post_fixes_counts_notifies_author_and_keeps_trail(kith: Kith) -> None:
    with kith.uow() as ctx:
        admin = make_member(ctx, "Ada", role="admin")
        ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
        original = make_post(ctx, ben, "The original")
        bad = make_post(
            ctx, ana, "Buy cheap watches here today at a great price", repost_of_id=original.id
        )
        other = make_post(ctx, cai, "Unrelated")
        c = make_comment(ctx, cai, bad, "Spam indeed")
        react(ctx, cai, bad)
        react(ctx, ben, c)
        make_comment(ctx, ben, other)
        reports.report(ctx, ben, "post", bad.id, reason="spam")
        reports.report(ctx, cai, "post", bad.id, reason="spam")
        reports.report(ctx, ben, "comment", c.id, reason="other")
        assert ctx.session.get(Post, original.id).repost_count == 1  # type: ignore[union-attr]

        bad_id = bad.id
        action = reports.remove(ctx, admin, "post", bad_id)
        assert (action.action, action.subject, action.reports, action.reasons) == (
            "removed",
            "post",
            2,
            "spam ×2",
        )
        assert ctx.session.get(Post, bad_id) is None
        assert ctx.session.get(Post, original.id).repost_count == 0  # type: ignore[union-attr]
        assert_exact(ctx)
        note = ctx.session.scalars(
            select(Notification).where(Notification.member_id == ana.id)
        ).one()
        assert note.kind == "post_removed"
        assert note.actor_id is None  # neither the admin nor the reporters are named
        assert note.detail == "your post “Buy cheap watches here today at a great…”"
        assert reports.queue(ctx, admin, PageRequest()).total == 0  # the comment went with it
        with pytest.raises(KithError) as refused:
            reports.remove(ctx, admin, "post", bad_id)
        assert _code(refused) == "report_not_found"
        assert ctx.session.scalars(select(ModerationAction)).one().admin_id == admin.id


def test_remove_comment_and_dismiss(kith: Kith) -> None:
    with kith.uow() as ctx:
        admin = make_member(ctx, "Ada", role="admin")
        ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
        post = make_post(ctx, ana, "A question for you all")
        top = make_comment(ctx, ben, post, "Rude words here")
        make_comment(ctx, cai, post, "Reply", parent=top)
        keep = make_comment(ctx, cai, post, "Fine")
        reply = make_comment(ctx, ben, post, "Also rude", parent=keep)
        react(ctx, cai, top)
        reports.report(ctx, cai, "comment", top.id, reason="harassment")
        reports.report(ctx, ana, "comment", reply.id, reason="harassment")
        reports.report(ctx, ben, "post", post.id, reason="other")

        top_id, reply_id = top.id, reply.id
        reports.remove(ctx, admin, "comment", top_id)
        reports.remove(ctx, admin, "comment", reply_id)
        ctx.session.expire_all()
        fresh = ctx.session.get(Post, post.id)
        assert fresh is not None
        assert fresh.comment_count == 1
        assert_exact(ctx)
        notes = ctx.session.scalars(
            select(Notification).where(Notification.member_id == ben.id).order_by(Notification.id)
        ).all()
        assert [(n.kind, n.post_id, n.detail) for n in notes] == [
            ("post_removed", post.id, "your comment “Rude words here”"),
            ("post_removed", post.id, "your comment “Also rude”"),
        ]

        reports.dismiss(ctx, admin, "post", post.id)
        assert ctx.session.get(Post, post.id) is not None
        row = ctx.session.scalars(
            select(ContentReport).where(ContentReport.post_id == post.id)
        ).one()
        assert (row.outcome, row.resolved_by_id) == ("dismissed", admin.id)
        assert [a.action for a in reports.actions(ctx, admin, PageRequest()).items] == [
            "dismissed",
            "removed",
            "removed",
        ]


def test_api(kith: Kith, client: TestClient) -> None:
    with kith.uow() as ctx:
        admin = make_member(ctx, "Ada", role="admin")
        ana, ben, cai = (make_member(ctx, n) for n in ("Ana", "Ben", "Cai"))
        connect(ctx, ana, ben)
        post = make_post(ctx, ana, "Just for connections", "connections")
        ids = (post.id, ana.handle)
        as_admin, as_ben, as_cai, as_ana = (bearer(ctx, m) for m in (admin, ben, cai, ana))
    post_id, ana_handle = ids

    r = client.post(f"/api/v1/posts/{post_id}/reports", json={"reason": "spam"}, headers=as_cai)
    assert (r.status_code, r.json()["error"]) == (404, "post_not_found")
    r = client.post(f"/api/v1/posts/{2**40}/reports", json={"reason": "spam"}, headers=as_cai)
    assert (r.status_code, r.json()["error"]) == (404, "post_not_found")
    r = client.post(f"/api/v1/posts/{post_id}/reports", json={"reason": "nope"}, headers=as_ben)
    assert (r.status_code, r.json()["error"]) == (422, "invalid_report_reason")
    r = client.post(
        f"/api/v1/posts/{post_id}/reports", json={"reason": "spam", "detail": "ads"}, headers=as_ben
    )
    assert r.status_code == 201
    assert r.json()["reason"] == "spam"
    r = client.post(f"/api/v1/posts/{post_id}/reports", json={"reason": "spam"}, headers=as_ben)
    assert (r.status_code, r.json()["error"]) == (409, "already_reported")

    assert client.get("/api/v1/reports", headers=as_ana).json()["error"] == "admin_only"
    queue = client.get("/api/v1/reports", headers=as_admin).json()
    assert queue["total"] == 1
    item = queue["items"][0]
    assert (item["subject"], item["id"], item["reporters"], item["author"]["handle"]) == (
        "post",
        post_id,
        1,
        ana_handle,
    )
    assert "reporter" not in str(item).replace("reporters", "")
    r = client.post(f"/api/v1/reports/posts/{post_id}/remove", headers=as_admin)
    assert r.status_code == 200
    assert r.json()["action"] == "removed"
    r = client.post(f"/api/v1/reports/posts/{post_id}/dismiss", headers=as_admin)
    assert (r.status_code, r.json()["error"]) == (404, "report_not_found")
    r = client.post(f"/api/v1/reports/things/{post_id}/dismiss", headers=as_admin)
    assert r.status_code == 422
    notes = client.get("/api/v1/notifications", headers=as_ana).json()["items"]
    assert notes[0]["kind"] == "post_removed"
    assert notes[0]["actor"] is None
    assert notes[0]["detail"] == "your post “Just for connections”"
    actions = client.get("/api/v1/reports/actions", headers=as_admin).json()
    assert actions["items"][0]["excerpt"] == "Just for connections"


def test_reports_sent_at_once_count_once_and_removal_races_dismissal(
    committed_kith: Kith,
) -> None:
    from sqlalchemy import func

    from tests.fixtures.races import race, scalar

    kith = committed_kith
    with kith.uow() as ctx:
        admin = make_member(ctx, "Ada", role="admin")
        ana, ben = make_member(ctx, "Ana"), make_member(ctx, "Ben")
        post = make_post(ctx, ana, "Reported at once")
        ids = admin.id, ben.id, post.id
    admin_id, ben_id, post_id = ids

    def send() -> str:
        with kith.uow() as ctx:
            reporter = ctx.session.get_one(type(ana), ben_id)
            reports.report(ctx, reporter, "post", post_id, reason="spam")
        return "sent"

    assert race([send] * 8) == {"sent": 1, "already_reported": 7}
    count = select(func.count()).select_from(ContentReport)
    assert scalar(kith, count) == 1

    def decide(action: str) -> str:
        with kith.uow() as ctx:
            who = ctx.session.get_one(type(ana), admin_id)
            getattr(reports, action)(ctx, who, "post", post_id)
        return action

    outcomes = race([lambda: decide("remove"), lambda: decide("dismiss")] * 2)
    assert sum(outcomes.values()) == 4
    assert outcomes["report_not_found"] == 3  # one decision only
    assert scalar(kith, select(func.count()).select_from(ModerationAction)) == 1
