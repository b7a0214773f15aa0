"""The running application's parts, created once by ``create_app`` or the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from kith import search_index
from kith.clock import Clock, SystemClock
from kith.config import Settings, get_settings
from kith.db import Database
from kith.live import LiveEvents
from kith.network_sync import NetworkSync
from kith.uow import Ctx, unit_of_work


@dataclass
class Kith:
    """Settings, clock and database, plus the services that run beside them."""

    settings: Settings
    clock: Clock
    db: Database
    network: NetworkSync | None = None
    live: LiveEvents = field(init=False)
    # What a domain keeps beside the database for this runtime, by name (made on first
    # use, e.g. the batched impression counter); it lives and dies with the runtime.
    services: dict[str, Any] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.live = LiveEvents(
            self.db,
            queue_size=self.settings.live_queue_size,
            streams_per_member=self.settings.live_streams_per_member,
        )
        # Domains that keep derived rows in step with every flush listen on the
        # database's sessions from the start.
        search_index.install(self.db)

    @classmethod
    def from_settings(cls, settings: Settings | None = None, clock: Clock | None = None) -> Kith:
        settings = settings or get_settings()
        return cls(
            settings=settings,
            clock=clock or SystemClock(),
            db=Database(settings.database_url, busy_timeout=settings.database_busy_timeout_seconds),
        )

    @contextmanager
    def uow(self, *, write: bool = True) -> Iterator[Ctx]:
        changed = self._network_changed if self.network is not None else None
        with unit_of_work(
            self.db,
            self.clock,
            self.settings,
            write=write,
            network_changed=changed,
            graph=self.network,
            live=self.live,
            kept=self.services,
        ) as ctx:
            yield ctx

    def _network_changed(self) -> None:
        if self.network is not None:
            self.network.poll()

    def start_network(self, *, thread: bool = True) -> NetworkSync:
        """Load or build the network engine and follow the outbox."""
        if self.network is None:
            self.network = NetworkSync(
                self.db,
                snapshot=self.settings.network_snapshot,
                poll_seconds=self.settings.network_poll_seconds,
            )
            self.network.start(thread=thread and not self.db.bound)
        return self.network

    def stop_network(self) -> None:
        if self.network is not None:
            self.network.stop()
