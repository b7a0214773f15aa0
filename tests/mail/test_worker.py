"""The worker as it runs: inside the web process (development), woken by a commit that
wrote mail; and ``kith worker --once`` printing mail to the console without SMTP."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from kith.accounts.verification import send_verification
from kith.app import create_app
from kith.cli import app
from kith.runtime import Kith
from tests.fixtures.factories import PASSWORD, make_member
from tests.fixtures.live import serve
from tests.fixtures.mail import SmtpServer, mailing, parts
from tests.fixtures.settings import runtime


def test_the_web_process_sends_mail_itself_when_asked(
    committed_kith: Kith, smtp: SmtpServer
) -> None:
    mailing(committed_kith, smtp)
    committed_kith.settings = committed_kith.settings.model_copy(
        update={"worker_in_process": True, "mail_poll_seconds": 60.0}
    )
    with serve(create_app(committed_kith)) as base:
        made = httpx.post(
            f"{base}/api/v1/auth/signup",
            json={
                "email": "in.process@example.org",
                "password": PASSWORD,
                "first_name": "In",
                "last_name": "Process",
            },
            timeout=30,
        )
        assert made.status_code == 201, made.text
        deadline = time.monotonic() + 20
        while not smtp.messages and time.monotonic() < deadline:
            time.sleep(0.05)  # woken by the commit: well before the 60 s poll
    [mail] = smtp.messages
    assert mail["To"] == "in.process@example.org"
    assert "Please confirm that in.process@example.org" in parts(mail)[0]


def test_kith_worker_once_prints_mail_without_smtp(tmp_path: Path) -> None:
    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--url", url]).exit_code == 0
    kith = runtime(url)
    with kith.uow() as ctx:
        send_verification(ctx, make_member(ctx, "Console", email="console@example.org"))
    kith.db.dispose()
    result = runner.invoke(app, ["worker", "--once", "--url", url])
    assert result.exit_code == 0, result.output
    assert "To: console@example.org" in result.output
    assert "Subject: Confirm your email address for Kith" in result.output
    assert "1 mail sent, 0 to try again, 0 digests written, 0 invitations expired" in result.output
    again = runner.invoke(app, ["worker", "--once", "--url", url])
    assert "0 mails sent" in again.output
