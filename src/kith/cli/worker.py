"""``kith worker``: the background jobs (mail, digests, community insights)."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer

from kith.cli._common import UrlOption, console, runtime
from kith.insights.jobs import CommunityRefresher
from kith.mail.worker import MailWorker


def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Run one round (send what is due) and exit")
    ] = False,
    url: UrlOption = None,
) -> None:
    """Run the background jobs until stopped: send the mail outbox (with retries), write
    the weekly digests, mark expired invitations, and keep the community insights
    fresh."""
    kith = runtime(url)
    mail = MailWorker(kith)
    if once:
        done = mail.run_once()

        def n(count: int, what: str) -> str:
            return f"{count} {what}{'' if count == 1 else 's'}"

        console.print(
            f"{n(done.sent, 'mail')} sent, {done.failed} to try again, "
            f"{n(done.digests, 'digest')} written, {n(done.expired, 'invitation')} expired"
        )
        return
    how = f"SMTP {kith.settings.smtp_host}" if kith.settings.smtp_host else "the console"
    console.print(f"Kith worker: mail to {how}; Ctrl-C stops it")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    refresher = None
    if kith.settings.insights_refresh_minutes > 0:
        refresher = CommunityRefresher(kith)
        refresher.start()
    mail.start()
    try:
        stop.wait()
    finally:
        mail.stop()
        if refresher is not None:
            refresher.stop()
        kith.db.dispose()
