"""The one source of time. Tests move a :class:`FrozenClock` instead of sleeping."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Wall-clock time, always timezone-aware UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to.

    >>> c = FrozenClock(datetime(2026, 1, 1, tzinfo=UTC))
    >>> c.advance(days=1).now().day
    2
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime) -> FrozenClock:
        with self._lock:
            self._now = when
        return self

    def advance(self, **delta: float) -> FrozenClock:
        with self._lock:
            self._now = self._now + timedelta(**delta)
        return self


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they are UTC by construction."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def day_text(value: date) -> str:
    """A day as every page writes it: day, short month, year.

    >>> day_text(datetime(2024, 7, 4, tzinfo=UTC))
    '4 Jul 2024'
    """
    return f"{value.day} {value:%b %Y}"


def moment_text(value: datetime) -> str:
    """A moment in a sentence: the day, then the time in UTC.

    >>> moment_text(datetime(2024, 7, 4, 9, 5, tzinfo=UTC))
    '4 Jul 2024 at 09:05 UTC'
    """
    return f"{day_text(value)} at {as_utc(value):%H:%M} UTC"


def month_text(year: int, month: int) -> str:
    """A calendar month: ``'Dec 2024'``.

    >>> month_text(2024, 12)
    'Dec 2024'
    """
    return f"{date(year, month, 1):%b} {year}"
