"""The background worker: sends the outbox, writes the weekly digests, and marks
invitations past their expiry as expired (a tidy-up: expiry is always decided from
timestamps).

``kith worker`` runs it (with the community insights refresher); in development
``kith serve`` runs it inside the web process (``KITH_WORKER_IN_PROCESS``). Any number
of workers may run against one database: each mail is claimed by one of them.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from kith.accounts.reset import prepare_requests
from kith.connections.service import expire_invitations
from kith.mail.digest import send_due_digests
from kith.mail.outbox import WORKER
from kith.mail.sender import Transport, send_due, transport_for
from kith.runtime import Kith

log = logging.getLogger("kith.mail")


@dataclass(frozen=True)
class Round:
    prepared: int
    sent: int
    failed: int
    digests: int
    expired: int = 0


class MailWorker:
    """Sends due mail every ``mail_poll_seconds`` (sooner when woken by a commit that
    wrote mail in this process); writes digests and tidies expired invitations every
    ``digest_check_minutes``.

    Examples
    --------
    >>> worker = MailWorker(kith)   # doctest: +SKIP
    >>> worker.run_once()           # one round, in this thread   # doctest: +SKIP
    >>> worker.start()              # rounds in a thread until stop()   # doctest: +SKIP
    """

    def __init__(self, kith: Kith, transport: Transport | None = None) -> None:
        self.kith = kith
        self.transport = transport or transport_for(kith.settings)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._next_digest = 0.0
        self.last_error: str | None = None

    def run_once(self, *, digests: bool = True) -> Round:
        """Prepare asked-for mail, write due digests (and tidy expired invitations),
        send what is due."""
        with self.kith.uow() as ctx:
            prepared = prepare_requests(ctx)
        written = expired = 0
        if digests:
            written = send_due_digests(self.kith)
            with self.kith.uow() as ctx:
                expired = expire_invitations(ctx)
        sent, failed = send_due(self.kith, self.transport)
        return Round(prepared, sent, failed, written, expired)

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self.kith.services[WORKER] = self
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="kith-mail", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self.kith.services.get(WORKER) is self:
            del self.kith.services[WORKER]

    def _loop(self) -> None:
        settings = self.kith.settings
        while not self._stop.is_set():
            self._wake.clear()
            digests = time.monotonic() >= self._next_digest
            try:
                self.run_once(digests=digests)
                self.last_error = None
            except Exception as exc:  # the worker outlives a failed round (a database outage)
                self.last_error = str(exc)
                log.exception("a mail round failed; trying again")
            if digests:
                self._next_digest = time.monotonic() + settings.digest_check_minutes * 60
            self._wake.wait(settings.mail_poll_seconds)
