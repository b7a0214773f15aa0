"""Keyset cursors for lists of posts, newest first: a cursor names the last item a
page showed (its time and id), and the next page starts just after it. A cursor is
opaque to clients; one that cannot be read is ``invalid_cursor``.

Examples
--------
>>> from datetime import UTC, datetime
>>> c = Cursor(datetime(2026, 12, 7, 9, 30, tzinfo=UTC), 42)
>>> c.encode()
'MTc5NjYzNTgwMDAwMDAwMC40Mg'
>>> Cursor.decode(c.encode()) == c
True
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from kith.errors import Invalid

__all__ = ["CURSOR_REFUSAL", "Cursor", "older_than"]

CURSOR_REFUSAL = "That cursor can't be read; start again from the first page."
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_LENGTH = 64


@dataclass(frozen=True, slots=True)
class Cursor:
    """The last item a page showed: its time and its id."""

    at: datetime
    id: int

    def encode(self) -> str:
        micros = (self.at - _EPOCH) // timedelta(microseconds=1)
        raw = f"{micros}.{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Cursor:
        try:
            if len(value) > _MAX_LENGTH:
                raise ValueError(value)
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("ascii")
            micros, ident = raw.split(".")
            at = _EPOCH + timedelta(microseconds=int(micros))
            number = int(ident)
            if not 1 <= number <= 2**31 - 1:
                raise ValueError(value)
        except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError) as exc:
            raise Invalid(CURSOR_REFUSAL, code="invalid_cursor") from exc
        return cls(at, number)

    @classmethod
    def parse(cls, value: str | None) -> Cursor | None:
        return cls.decode(value) if value else None


def older_than(cursor: Cursor, at: Any, ident: Any) -> ColumnElement[bool]:
    """SQL: the row with time ``at`` and id ``ident`` comes after ``cursor``, newest first."""
    return or_(at < cursor.at, and_(at == cursor.at, ident < cursor.id))
