"""The running application's parts, created once by ``create_app`` or the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from kith.clock import Clock, SystemClock
from kith.config import Settings, get_settings
from kith.db import Ctx, Database, unit_of_work


@dataclass
class Kith:
    """Settings, clock and database, plus the services that run beside them."""

    settings: Settings
    clock: Clock
    db: Database
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings | None = None, clock: Clock | None = None) -> Kith:
        settings = settings or get_settings()
        return cls(
            settings=settings, clock=clock or SystemClock(), db=Database(settings.database_url)
        )

    @contextmanager
    def uow(self, *, write: bool = True) -> Iterator[Ctx]:
        with unit_of_work(self.db, self.clock, self.settings, write=write) as ctx:
            yield ctx
