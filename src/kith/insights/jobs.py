"""The background job that keeps the community insights fresh.

One thread per app process wakes up every minute (or when asked) and recomputes
the community figures when the newest stored result is older than
``KITH_INSIGHTS_REFRESH_MINUTES``. With several app processes on one database,
whichever finds the result stale first recomputes it; the others then find it
fresh. Set the interval to 0 on all processes but one to have exactly one worker.
"""

from __future__ import annotations

import logging
import threading

from kith.insights import service
from kith.models import CommunityInsightsResult
from kith.runtime import Kith
from kith.web.metrics import job_timer

log = logging.getLogger("kith.insights")

CHECK_SECONDS = 60.0


class CommunityRefresher:
    """Recomputes community insights in the background.

    Examples
    --------
    >>> refresher = CommunityRefresher(kith)   # doctest: +SKIP
    >>> refresher.start()                      # doctest: +SKIP
    >>> refresher.request()                    # doctest: +SKIP
    """

    def __init__(self, kith: Kith, *, check_seconds: float = CHECK_SECONDS) -> None:
        self.kith = kith
        self.check_seconds = check_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._requested = False
        self._thread: threading.Thread | None = None
        self.running = False
        self.last_error: str | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="kith-insights", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def request(self) -> None:
        """Recompute at the next opportunity, however fresh the last result is."""
        self._requested = True
        self._wake.set()

    def due(self) -> bool:
        with self.kith.uow(write=False) as ctx:
            return service.is_stale(ctx, service.latest_community(ctx))

    def run_once(self) -> CommunityInsightsResult:
        self.running = True
        try:
            with job_timer("community_insights"), self.kith.uow() as ctx:
                return service.refresh_community(ctx)
        finally:
            self.running = False

    def _loop(self) -> None:
        # The first check waits for the engine to be ready (started before us).
        while not self._stop.is_set():
            try:
                if self._requested or self.due():
                    self._requested = False
                    self.run_once()
                    self.last_error = None
            except Exception as exc:  # the job must outlive a failed run
                self.last_error = str(exc)
                log.exception("community insights refresh failed; retrying later")
            self._wake.wait(self.check_seconds)
            self._wake.clear()
