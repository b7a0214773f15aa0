"""The worker's jobs and the mail pages, on SQLite and PostgreSQL: messages while away,
the weekly digest, two workers sharing one outbox, and the pages behind mailed links."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kith.clock import FrozenClock
from kith.mail.digest import send_due_digests
from kith.mail.sender import SmtpTransport, send_due
from kith.messaging.service import send_message
from kith.models import MailOutbox
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import PASSWORD, bearer, connect, make_member
from tests.fixtures.mail import SmtpServer, link, mailing, parts, verified
from tests.fixtures.pages import alerts, post, sign_in_as
from tests.fixtures.refusals import refusal


def _mails(ctx: Ctx, kind: str) -> int:
    return int(
        ctx.session.scalar(
            select(func.count()).select_from(MailOutbox).where(MailOutbox.kind == kind)
        )
        or 0
    )


def test_messages_are_mailed_while_away_once_per_conversation(
    kith: Kith, ctx: Ctx, smtp: SmtpServer, clock: FrozenClock
) -> None:
    worker = mailing(kith, smtp, ctx)
    ana = verified(ctx, make_member(ctx, "Ana", "Writes"))
    ben = verified(ctx, make_member(ctx, "Ben", "Away", email="ben.away@example.org"))
    connect(ctx, ana, ben)
    send_message(ctx, ana, ben, "Are you free on Thursday?")
    send_message(ctx, ana, ben, "Or Friday?")
    assert _mails(ctx, "message") == 1
    ctx.session.commit()
    worker.run_once(digests=False)
    [mail] = [m for m in smtp.to("ben.away@example.org") if "message" in m["Subject"]]
    assert mail["Subject"] == "New message from Ana Writes"
    text, html = parts(mail)
    assert "Are you free on Thursday?" in text
    assert "Are you free on Thursday?" in html
    link(mail, f"/messages/with/{ana.handle}")

    # Back on the site: no mail while he is there.
    clock.advance(minutes=kith.settings.message_mail_quiet_minutes + 1)
    bearer(ctx, ben)  # a token used now
    send_message(ctx, ana, ben, "See you then")
    assert _mails(ctx, "message") == 1


def test_the_weekly_digest_tells_what_waits_once_a_week(
    kith: Kith, ctx: Ctx, client: TestClient, smtp: SmtpServer, clock: FrozenClock
) -> None:
    worker = mailing(kith, smtp)
    cleo = verified(ctx, make_member(ctx, "Cleo", "Digest", email="cleo.digest@example.org"))
    dan = make_member(ctx, "Dan", "Inviter")
    ctx.session.commit()
    invited = client.post("/api/v1/invitations", headers=bearer(ctx, dan), json={"to": cleo.handle})
    assert invited.status_code == 201
    assert send_due_digests(kith) == 0  # the first digest comes a week after verifying
    clock.advance(days=kith.settings.digest_days)
    worker.run_once()
    [digest] = [m for m in smtp.to("cleo.digest@example.org") if "week" in m["Subject"]]
    assert digest["Subject"] == "Your week on Kith"
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(digest)
    assert "1 invitation to connect is waiting" in text
    assert "Invitations waiting" in html
    link(digest, "/mynetwork")
    assert send_due_digests(kith) == 0  # once a period
    clock.advance(days=kith.settings.digest_days)
    off = client.patch(
        "/api/v1/me/email-settings", headers=bearer(ctx, cleo), json={"digest": False}
    )
    assert off.status_code == 200
    assert send_due_digests(kith) == 0


def test_two_workers_send_each_mail_once(committed_kith: Kith, smtp: SmtpServer) -> None:
    mailing(committed_kith, smtp)
    with committed_kith.uow() as ctx:
        for n in range(24):
            member = make_member(ctx, "Many", f"Mails{n}")
            from kith.accounts.verification import send_verification

            send_verification(ctx, member)
    barrier = threading.Barrier(2)
    results: list[tuple[int, int]] = []

    def work() -> None:
        barrier.wait()
        results.append(send_due(committed_kith, SmtpTransport(committed_kith.settings)))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(sent for sent, _ in results) == 24
    ids = [m["Message-ID"] for m in smtp.messages]
    assert len(ids) == 24
    assert len(set(ids)) == 24


def test_a_refused_action_mails_nothing(kith: Kith, ctx: Ctx, client: TestClient) -> None:
    make_member(ctx, "Gil", email="gil@example.org")
    ctx.session.commit()
    before = _mails(ctx, "verify_email")
    taken = client.post(
        "/api/v1/auth/signup",
        json={
            "email": "gil@example.org",
            "password": PASSWORD,
            "first_name": "G",
            "last_name": "X",
        },
    )
    assert taken.status_code == 409
    assert _mails(ctx, "verify_email") == before


def test_mail_pages_forgot_reset_verify_settings_unsubscribe(
    kith: Kith, ctx: Ctx, client: TestClient, smtp: SmtpServer
) -> None:
    worker = mailing(kith, smtp)
    hana = make_member(ctx, "Hana", "Pages", email="hana.pages@example.org")
    ctx.session.commit()
    known = post(client, kith, "/forgot-password", {"email": "hana.pages@example.org"})
    unknown = post(client, kith, "/forgot-password", {"email": "nobody.here@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("hana.pages", "X") == unknown.text.replace("nobody.here", "X")
    worker.run_once(digests=False)
    token = link(smtp.to("hana.pages@example.org")[0], "/reset-password").split("token=")[1]
    weak = post(client, kith, "/reset-password", {"token": token, "new_password": "short"})
    assert weak.status_code == 422
    done = post(
        client, kith, "/reset-password", {"token": token, "new_password": "fresh passphrase"}
    )
    assert done.status_code == 200
    assert "Your password is changed" in done.text
    used = post(
        client, kith, "/reset-password", {"token": token, "new_password": "other passphrase"}
    )
    assert used.status_code == 410
    assert alerts(used.text) == [
        "This password reset link was already used. Ask for a new one on the “Forgot "
        "password” page."
    ]

    sign_in_as(client, ctx, hana)
    ctx.session.commit()
    assert "email-verified" in client.get("/me/settings/email").text  # the reset proved it
    jo = make_member(ctx, "Jo", "Unverified", email="jo.unverified@example.org")
    sign_in_as(client, ctx, jo)
    ctx.session.commit()
    page = client.get("/me/settings/email")
    assert "not verified yet" in page.text
    resent = post(client, kith, "/me/settings/email/verify")
    assert resent.status_code == 303
    worker.run_once(digests=False)
    verify = link(smtp.to("jo.unverified@example.org")[-1], "/verify-email")
    assert "Confirm my address" in client.get(verify).text
    confirmed = post(client, kith, "/verify-email", {"token": verify.split("token=")[1]})
    assert "jo.unverified@example.org is confirmed" in confirmed.text
    wrong = post(client, kith, "/verify-email", {"token": "wrong"})
    assert wrong.status_code == 400
    assert "This verification link is not valid" in alerts(wrong.text)[0]

    saved = post(client, kith, "/me/settings/email", {"invitations": "on", "digest": "on"})
    assert saved.status_code == 303
    got = client.get("/api/v1/me/email-settings", headers=bearer(ctx, jo)).json()
    assert (got["invitations"], got["messages"], got["digest"]) == (True, False, True)

    forged = client.get("/unsubscribe/not-a-real-token")
    assert forged.status_code == 400
    assert "This unsubscribe link is not valid" in alerts(forged.text)[0]


def test_reset_refusals_change_nothing(kith: Kith, ctx: Ctx) -> None:
    from kith.accounts.reset import reset_password

    ivy = make_member(ctx, "Ivy")
    ctx.session.commit()
    stored = ivy.password_hash
    for token in ("", "x" * 500, "abc.def", "\u00e9t\u00e9"):
        refusal("reset_link_invalid", reset_password, kith, token, "a perfectly fine passphrase")
    ctx.session.refresh(ivy)
    assert ivy.password_hash == stored


def test_deleting_an_account_forgets_its_mail(kith: Kith, ctx: Ctx, smtp: SmtpServer) -> None:
    from kith.accounts.deletion import delete_account
    from kith.accounts.reset import request_reset
    from kith.accounts.verification import send_verification
    from kith.models import EmailLink, MailSettings

    mailing(kith, smtp, ctx)
    kai = verified(ctx, make_member(ctx, "Kai", email="kai.gone@example.org"))
    send_verification(ctx, kai)
    request_reset(ctx, "kai.gone@example.org")
    delete_account(ctx, kai, confirmed=True)
    assert ctx.session.scalar(select(func.count()).select_from(MailOutbox)) == 0
    assert ctx.session.scalar(select(func.count()).select_from(EmailLink)) == 0
    assert ctx.session.get(MailSettings, kai.id) is None
