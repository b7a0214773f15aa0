"""Network maps kept in the process, refreshed in the background.

Finding a member's circles and laying them out is the map's only costly step, and its
answer depends only on who their connections are and which connections among them
they may see. Each map is kept here with a fingerprint of exactly that; a page whose
fingerprint matches is drawn from it. When the network changed, a small map is
computed again at once; a large one (at least ``sync_max`` members) is drawn from the
kept one, adjusted to today's members (:func:`kith.insights.network_map.adjusted`),
while a background thread computes the new one. Nothing kept here is a rule's truth:
who appears and which lines are drawn are decided on every request.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from kith.insights.map_layout import MapShape
from kith.uow import Ctx, kept_service

log = logging.getLogger("kith.insights")

KEEP_VIEWERS = 500


@dataclass(frozen=True)
class KeptMap:
    """A computed map: its fingerprint, the member ids it was computed for (sorted),
    and their circles and positions (in the same order)."""

    fingerprint: str
    ids: NDArray[np.int64]
    shape: MapShape


class MapCache:
    """Maps by viewer (the least recently used go first); thread-safe."""

    def __init__(self, viewers: int = KEEP_VIEWERS) -> None:
        self.viewers = viewers
        self._lock = threading.Lock()
        self._kept: OrderedDict[int, KeptMap] = OrderedDict()
        self._running: dict[int, threading.Thread] = {}

    def get(self, viewer_id: int) -> KeptMap | None:
        with self._lock:
            found = self._kept.get(viewer_id)
            if found is not None:
                self._kept.move_to_end(viewer_id)
            return found

    def put(self, viewer_id: int, kept: KeptMap) -> None:
        with self._lock:
            self._kept[viewer_id] = kept
            self._kept.move_to_end(viewer_id)
            while len(self._kept) > self.viewers:
                self._kept.popitem(last=False)

    def drop(self, viewer_id: int) -> None:
        with self._lock:
            self._kept.pop(viewer_id, None)

    def refresh(self, viewer_id: int, make: Callable[[], KeptMap]) -> bool:
        """Compute ``viewer_id``'s map again in a background thread (one at a time per
        viewer); False when one is already running."""
        with self._lock:
            if viewer_id in self._running:
                return False
            thread = threading.Thread(
                target=self._run, args=(viewer_id, make), name="kith-map", daemon=True
            )
            self._running[viewer_id] = thread
        thread.start()
        return True

    def _run(self, viewer_id: int, make: Callable[[], KeptMap]) -> None:
        try:
            self.put(viewer_id, make())
        except Exception:
            log.exception("computing the network map of member %s failed", viewer_id)
        finally:
            with self._lock:
                self._running.pop(viewer_id, None)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the background computations running now (tests, benchmarks)."""
        with self._lock:
            running = list(self._running.values())
        for thread in running:
            thread.join(timeout)
        return not any(t.is_alive() for t in running)


def maps(ctx: Ctx) -> MapCache:
    """This process's kept maps (kept with the runtime's services)."""
    return kept_service(ctx.kept, "network_maps", MapCache, MapCache)
