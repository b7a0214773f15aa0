"""Notifications by email beyond invitations, and the worker's bookkeeping, on SQLite
and PostgreSQL: introductions and recommendation requests mailed (their links work
when followed), a silent decline mails nothing, an abandoned claim is taken over,
a mail given up after its last attempt, and "forgot password" doing the same work
for any address."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from kith.accounts.reset import request_reset
from kith.introductions import service as introductions
from kith.mail.sender import claim, send_due, transport_for
from kith.models import MailOutbox
from kith.recommendations import service as recommendations
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import make_member
from tests.fixtures.introductions import three
from tests.fixtures.mail import SmtpServer, link, mailing, parts, verified
from tests.fixtures.pages import sign_in_as
from tests.fixtures.queries import count_statements
from tests.fixtures.recommendations import position


def test_introductions_and_recommendation_requests_are_mailed(
    kith: Kith, ctx: Ctx, client: TestClient, smtp: SmtpServer
) -> None:
    worker = mailing(kith, smtp, ctx)
    t = three(ctx)
    for member in (t.ana, t.hannah, t.alex):
        verified(ctx, member)
    req = introductions.ask(ctx, t.ana, t.hannah, t.alex, note="We both map rivers")
    introductions.forward(ctx, t.hannah, req.id, "Ana is great")
    position(ctx, t.ana)
    position(ctx, t.hannah)
    recommendations.request(ctx, t.ana, t.hannah.handle, "same_team")
    ctx.session.commit()
    worker.run_once(digests=False)

    subjects = {m["To"]: [] for m in smtp.messages}
    for m in smtp.messages:
        subjects[m["To"]].append(m["Subject"])
    assert sorted(subjects[t.hannah.email]) == [
        "Ana Requester asks you for a recommendation",
        "Ana Requester asks you for an introduction",
    ]
    assert subjects[t.alex.email] == ["Hannah Between introduces you to Ana Requester"]
    [mail] = smtp.to(t.alex.email)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(mail)
    assert "Hannah Between (https://kith.test/in/hannah-between) introduces you" in text
    assert "introduces you to Ana Requester" in html
    path = link(mail, f"/introductions/{req.id}")
    sign_in_as(client, ctx, t.alex)
    ctx.session.commit()
    assert client.get(path).status_code == 200


def test_a_silent_decline_mails_nothing(kith: Kith, ctx: Ctx, smtp: SmtpServer) -> None:
    mailing(kith, smtp, ctx)
    t = three(ctx)
    for member in (t.ana, t.hannah, t.alex):
        verified(ctx, member)
    req = introductions.ask(ctx, t.ana, t.hannah, t.alex)
    before = ctx.session.scalars(select(MailOutbox.to_address)).all()
    introductions.decline(ctx, t.hannah, req.id)
    assert ctx.session.scalars(select(MailOutbox.to_address)).all() == before
    assert t.ana.email not in before


def test_an_abandoned_claim_is_taken_over_and_sent_once(
    kith: Kith, ctx: Ctx, smtp: SmtpServer
) -> None:
    mailing(kith, smtp, ctx)
    from kith.accounts.verification import send_verification

    send_verification(ctx, make_member(ctx, "Lost", email="lost.claim@example.org"))
    ctx.session.commit()
    with kith.uow() as work:
        assert len(claim(work, 10)) == 1  # a worker that then died
    assert send_due(kith, transport_for(kith.settings)) == (0, 0)  # still claimed
    kith.clock.advance(seconds=kith.settings.mail_claim_seconds)  # type: ignore[attr-defined]
    assert send_due(kith, transport_for(kith.settings)) == (1, 0)
    assert [m["To"] for m in smtp.messages] == ["lost.claim@example.org"]


def test_a_mail_is_given_up_after_its_last_attempt(kith: Kith, ctx: Ctx, smtp: SmtpServer) -> None:
    mailing(kith, smtp, ctx)
    kith.settings = kith.settings.model_copy(update={"mail_max_attempts": 2})
    from kith.accounts.verification import send_verification

    send_verification(ctx, make_member(ctx, "Never", email="never@example.org"))
    ctx.session.commit()
    smtp.stop()
    for _ in range(2):
        assert send_due(kith, transport_for(kith.settings)) == (0, 1)
        kith.clock.advance(seconds=kith.settings.mail_retry_max_seconds)  # type: ignore[attr-defined]
    row = ctx.session.scalar(select(MailOutbox).where(MailOutbox.to_address == "never@example.org"))
    assert row is not None
    ctx.session.refresh(row)
    assert (row.status, row.attempts) == ("failed", 2)
    assert "connect" in row.last_error
    smtp.start()
    assert send_due(kith, transport_for(kith.settings)) == (0, 0)


def test_forgot_password_does_the_same_work_for_any_address(kith: Kith, ctx: Ctx) -> None:
    make_member(ctx, "Known", email="known.address@example.org")
    ctx.session.commit()
    done: list[list[str]] = []
    for address in ("known.address@example.org", "unknown.address@example.org"):
        with count_statements(kith) as statements, kith.uow() as work:
            request_reset(work, address)
        done.append([s.replace("known", "?").replace("un?", "?") for s in statements])
    assert done[0] == done[1]
    assert len(done[0]) >= 2  # the count and the row


def test_the_digest_names_who_is_due_and_their_moments(
    kith: Kith, ctx: Ctx, smtp: SmtpServer
) -> None:
    from kith.mail.digest import send_due_digests
    from kith.members.service import PositionInput, add_position
    from kith.relationships import records, tiers_tags
    from tests.fixtures.factories import connect

    worker = mailing(kith, smtp, ctx)
    lea = verified(ctx, make_member(ctx, "Lea", "Digest", email="lea.digest@example.org"))
    max_ = make_member(ctx, "Max", "Overdue")
    connect(ctx, lea, max_)
    tiers_tags.ensure_default_tiers(ctx, lea)
    inner = next(t.id for t in tiers_tags.list_tiers(ctx, lea) if t.name == "Inner circle")
    records.set_tier(ctx, lea, max_, inner)
    kith.clock.advance(days=35)  # type: ignore[attr-defined]
    now = kith.clock.now()
    add_position(
        ctx,
        max_,
        PositionInput(
            company="Acme", title="Engineer", start_year=now.year - 3, start_month=now.month
        ),
    )
    ctx.session.commit()
    assert send_due_digests(kith) == 1
    worker.run_once(digests=False)
    [digest] = smtp.to("lea.digest@example.org")
    text, html = parts(digest)
    assert "DUE TO RECONNECT" in text
    assert "Max Overdue: 5 days overdue (Inner circle)" in text
    assert "3 years at Acme" in text
    assert "Max Overdue</a>: 3 years at Acme" in html
    link(digest, "/relationships")
