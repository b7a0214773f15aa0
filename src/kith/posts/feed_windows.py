"""*For you*'s ranked windows, kept in the process between a viewer's pages.

A first page ranks the viewer's candidate window as of a moment ``t0`` (the moment
its cursor carries); every next page ranks the same window as of the same moment, so
it would repeat that work to arrive at the same order. The ranking is kept here for
:data:`KEEP_SECONDS`, for at most :data:`KEEP_VIEWERS` viewers (the least recently
used go first), by viewer and moment. It is only a shortcut: a page served from it
still passes every post through the audience rule, the viewer's hidden posts and
follows (:func:`kith.posts.feed._readable_statement`), and a process that has no window
for a cursor (another replica, a restart, an old link) ranks it again and finds the
same order. "See fewer" and "See more" drop the viewer's windows, so that the next
page ranks with the new choice.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from datetime import datetime

from kith.uow import Ctx, kept_service

KEEP_SECONDS = 600.0
KEEP_VIEWERS = 2_000


class Windows:
    """The ranked windows of one process, by (viewer, moment); thread-safe."""

    def __init__(self, keep_seconds: float = KEEP_SECONDS, viewers: int = KEEP_VIEWERS) -> None:
        self.keep_seconds = keep_seconds
        self.viewers = viewers
        self._lock = threading.Lock()
        # viewer -> (moment, when it was ranked by time.monotonic(), the window)
        self._kept: OrderedDict[int, tuple[datetime, float, object]] = OrderedDict()

    def get(self, viewer_id: int, t0: datetime) -> object | None:
        with self._lock:
            found = self._kept.get(viewer_id)
            if found is None or found[0] != t0:
                return None
            if time.monotonic() - found[1] > self.keep_seconds:
                del self._kept[viewer_id]
                return None
            self._kept.move_to_end(viewer_id)
            return found[2]

    def put(self, viewer_id: int, t0: datetime, window: object) -> None:
        """Keep the viewer's newest window (one per viewer: a new first page replaces it)."""
        with self._lock:
            self._kept[viewer_id] = (t0, time.monotonic(), window)
            self._kept.move_to_end(viewer_id)
            while len(self._kept) > self.viewers:
                self._kept.popitem(last=False)

    def drop(self, viewer_id: int) -> None:
        with self._lock:
            self._kept.pop(viewer_id, None)


def windows(ctx: Ctx) -> Windows:
    """This process's windows (kept with the runtime's services)."""
    return kept_service(ctx.kept, "feed_windows", Windows, Windows)
