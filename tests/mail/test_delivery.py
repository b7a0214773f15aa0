"""Mail through a real SMTP server, on SQLite and PostgreSQL: verification at sign-up,
password reset, notifications with one-click unsubscribe, an outage, and refusals."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kith.clock import FrozenClock
from kith.models import EmailLink, MailOutbox, Member
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.factories import PASSWORD, bearer, make_member
from tests.fixtures.mail import BASE_URL, SmtpServer, link, mailing, parts, verified
from tests.fixtures.refusals import refused


def _token(path: str) -> str:
    return path.split("token=", 1)[1]


def test_signup_mails_a_verification_link_that_works_once(
    kith: Kith, client: TestClient, smtp: SmtpServer
) -> None:
    worker = mailing(kith, smtp)
    made = client.post(
        "/api/v1/auth/signup",
        json={
            "email": "Vera.Fied@Example.org",
            "password": PASSWORD,
            "first_name": "Vera",
            "last_name": "Fied",
        },
    )
    assert made.status_code == 201, made.text
    auth = {"Authorization": f"Bearer {made.json()['access_token']}"}
    assert client.get("/api/v1/me/email-settings", headers=auth).json()["verified"] is False

    assert worker.run_once().sent == 1
    [mail] = smtp.messages
    assert mail["To"] == "vera.fied@example.org"
    assert mail["Subject"] == "Confirm your email address for Kith"
    assert mail["From"] == kith.settings.smtp_from
    assert mail["Message-ID"].endswith("@kith.test>")
    assert mail["List-Unsubscribe"] is None  # an account mail, not a subscription
    text, html = parts(mail)
    assert "Welcome to Kith" in text
    assert "Welcome to Kith" in html
    assert "<a href=" not in text
    assert "<a href=" in html

    path = link(mail, "/verify-email")
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my address" in page.text
    token = _token(path)
    done = client.post("/api/v1/auth/verify-email", json={"token": token})
    assert done.status_code == 200, done.text
    assert done.json()["verified"] is True
    refused(
        client.post("/api/v1/auth/verify-email", json={"token": token}),
        410,
        "verification_link_used",
    )
    refused(
        client.post("/api/v1/auth/verify-email", json={"token": token[:-2] + "xx"}),
        400,
        "verification_link_invalid",
    )
    refused(
        client.post("/api/v1/auth/verify-email", json={"token": "nonsense"}),
        400,
        "verification_link_invalid",
    )


def test_password_reset_signs_out_everywhere_and_links_work_once(
    kith: Kith, ctx: Ctx, client: TestClient, smtp: SmtpServer, clock: FrozenClock
) -> None:
    worker = mailing(kith, smtp)
    ana = make_member(ctx, "Ana", email="ana.reset@example.org")
    ctx.session.commit()
    old = bearer(ctx, ana)
    ctx.session.commit()
    assert client.get("/api/v1/me", headers=old).status_code == 200

    known = client.post("/api/v1/auth/password-reset", json={"email": "ana.reset@example.org"})
    unknown = client.post("/api/v1/auth/password-reset", json={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    rows = ctx.session.execute(select(MailOutbox.to_address, MailOutbox.status)).all()
    assert sorted(rows) == [("ana.reset@example.org", "request"), ("nobody@example.org", "request")]

    assert worker.run_once().sent == 1
    [mail] = smtp.messages
    assert mail["To"] == "ana.reset@example.org"
    assert mail["Subject"] == "Reset your Kith password"
    path = link(mail, "/reset-password")
    assert "Choose a new password" in client.get(path).text
    token = _token(path)

    refused(
        client.post(
            "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": "short"}
        ),
        422,
        "weak_password",
    )
    done = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "a brand new passphrase"},
    )
    assert done.status_code == 204, done.text
    refused(client.get("/api/v1/me", headers=old), 401, "not_authenticated")
    signed = client.post(
        "/api/v1/auth/token",
        json={"email": "ana.reset@example.org", "password": "a brand new passphrase"},
    )
    assert signed.status_code == 200
    again = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "yet another passphrase"},
    )
    refused(again, 410, "reset_link_used")

    # An expired link, a forged one: refused, the password unchanged.
    smtp.clear()
    client.post("/api/v1/auth/password-reset", json={"email": "ana.reset@example.org"})
    worker.run_once()
    late = _token(link(smtp.messages[0], "/reset-password"))
    clock.advance(minutes=kith.settings.reset_link_minutes + 1)
    refused(
        client.post(
            "/api/v1/auth/password-reset/confirm",
            json={"token": late, "new_password": "never saved passphrase"},
        ),
        410,
        "reset_link_expired",
    )
    refused(
        client.post(
            "/api/v1/auth/password-reset/confirm",
            json={"token": late + "x", "new_password": "never saved passphrase"},
        ),
        400,
        "reset_link_invalid",
    )
    page = client.get(f"/reset-password?token={late}")
    assert page.status_code == 410
    assert "has expired" in page.text
    assert (
        client.post(
            "/api/v1/auth/token",
            json={"email": "ana.reset@example.org", "password": "a brand new passphrase"},
        ).status_code
        == 200
    )


def test_notifications_carry_one_click_unsubscribe(
    kith: Kith, ctx: Ctx, client: TestClient, smtp: SmtpServer
) -> None:
    worker = mailing(kith, smtp)
    ben = verified(ctx, make_member(ctx, "Ben", "Sender"))
    cleo = verified(ctx, make_member(ctx, "Cleo", "Receiver", email="cleo.r@example.org"))
    dan = make_member(ctx, "Dan", "Third")
    ctx.session.commit()
    sent = client.post(
        "/api/v1/invitations",
        headers=bearer(ctx, ben),
        json={"to": cleo.handle, "note": "We met at the <river> conference"},
    )
    assert sent.status_code == 201, sent.text
    worker.run_once()
    [mail] = smtp.to("cleo.r@example.org")
    assert mail["Subject"] == "Ben Sender invites you to connect"
    header = mail["List-Unsubscribe"]
    assert header.startswith(f"<{BASE_URL}/api/v1/unsubscribe/")
    assert header.endswith(">")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(mail)
    assert "We met at the <river> conference" in text
    assert "We met at the &lt;river&gt; conference" in html
    link(mail, "/mynetwork")
    page_path = link(mail, "/unsubscribe/")
    assert "Stop receiving invitation emails" in client.get(page_path).text

    # A forged token changes nothing; the mail client's one-click POST unsubscribes.
    one_click = header[1:-1].removeprefix(BASE_URL)
    forged = one_click[:-3] + "abc"
    refused(
        client.post(
            forged,
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        400,
        "unsubscribe_link_invalid",
    )
    assert client.get("/api/v1/me/email-settings", headers=bearer(ctx, cleo)).json()["invitations"]
    done = client.post(
        one_click,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 200, done.text
    assert done.json()["category"] == "invitations"
    assert not client.get("/api/v1/me/email-settings", headers=bearer(ctx, cleo)).json()[
        "invitations"
    ]

    smtp.clear()
    again = client.post("/api/v1/invitations", headers=bearer(ctx, dan), json={"to": cleo.handle})
    assert again.status_code == 201, again.text
    worker.run_once()
    assert smtp.to("cleo.r@example.org") == []


def test_an_smtp_outage_delays_mail_and_loses_none(
    kith: Kith, ctx: Ctx, client: TestClient, smtp: SmtpServer, clock: FrozenClock
) -> None:
    worker = mailing(kith, smtp)
    smtp.stop()
    for n in range(3):
        response = client.post(
            "/api/v1/auth/signup",
            json={
                "email": f"outage.{n}@example.org",
                "password": PASSWORD,
                "first_name": "Out",
                "last_name": f"Age{n}",
            },
        )
        assert response.status_code == 201  # the action does not wait for mail
    client.post("/api/v1/auth/password-reset", json={"email": "outage.0@example.org"})
    first = worker.run_once()
    assert (first.sent, first.failed) == (0, 4)
    clock.advance(seconds=5)
    assert worker.run_once().failed == 0  # waiting for the retry: not even tried
    pending = ctx.session.scalar(
        select(func.count()).select_from(MailOutbox).where(MailOutbox.status == "pending")
    )
    assert pending == 4

    smtp.start()
    clock.advance(seconds=kith.settings.mail_retry_seconds)
    assert worker.run_once().sent == 4
    assert worker.run_once().sent == 0
    ids = [m["Message-ID"] for m in smtp.messages]
    assert len(ids) == len(set(ids)) == 4
    assert sorted(m["To"] for m in smtp.messages) == [
        "outage.0@example.org",
        "outage.0@example.org",
        "outage.1@example.org",
        "outage.2@example.org",
    ]


def test_email_change_takes_effect_once_verified(
    kith: Kith, ctx: Ctx, client: TestClient, smtp: SmtpServer
) -> None:
    worker = mailing(kith, smtp)
    eva = verified(ctx, make_member(ctx, "Eva", email="eva.old@example.org"))
    taken = make_member(ctx, "Taken", email="taken@example.org")
    ctx.session.commit()
    auth = bearer(ctx, eva)
    refused(
        client.post(
            "/api/v1/me/email",
            headers=auth,
            json={"new_email": "eva.new@example.org", "password": "wrong one"},
        ),
        403,
        "wrong_password",
    )
    refused(
        client.post(
            "/api/v1/me/email", headers=auth, json={"new_email": taken.email, "password": PASSWORD}
        ),
        409,
        "email_taken",
    )
    asked = client.post(
        "/api/v1/me/email",
        headers=auth,
        json={"new_email": "Eva.New@example.org", "password": PASSWORD},
    )
    assert asked.status_code == 202, asked.text
    assert client.get("/api/v1/me/email-settings", headers=auth).json()["email"] == (
        "eva.old@example.org"
    )
    worker.run_once()
    [notice] = smtp.to("eva.old@example.org")
    assert "eva.new@example.org" in parts(notice)[0]
    [confirm] = smtp.to("eva.new@example.org")
    token = _token(link(confirm, "/verify-email"))
    done = client.post("/api/v1/auth/verify-email", json={"token": token})
    assert done.status_code == 200
    assert done.json()["email"] == "eva.new@example.org"
    assert ctx.session.scalar(select(Member.email).where(Member.id == eva.id)) == (
        "eva.new@example.org"
    )


def test_email_settings_api_and_unverified_members_get_no_notifications(
    kith: Kith, ctx: Ctx, client: TestClient, smtp: SmtpServer
) -> None:
    worker = mailing(kith, smtp)
    fay = make_member(ctx, "Fay")
    ctx.session.commit()
    auth = bearer(ctx, fay)
    got = client.get("/api/v1/me/email-settings", headers=auth).json()
    assert got["verified"] is False
    assert got["digest"] is True
    changed = client.patch(
        "/api/v1/me/email-settings", headers=auth, json={"digest": False, "messages": False}
    )
    assert changed.json()["digest"] is False
    assert changed.json()["invitations"] is True
    refused(
        client.patch("/api/v1/me/email-settings", headers=auth, json={"spam": True}), 422, "invalid"
    )
    resent = client.post("/api/v1/me/email/verification", headers=auth)
    assert resent.status_code == 202
    worker.run_once()
    assert [m["Subject"] for m in smtp.messages] == ["Confirm your email address for Kith"]
    assert ctx.session.scalar(select(func.count()).select_from(EmailLink)) == 1
