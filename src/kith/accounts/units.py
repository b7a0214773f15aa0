"""What runs the account actions that keep slow or recorded steps outside one write
transaction (password checks, two-factor codes): the settings and units of work."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from kith.config import Settings
from kith.uow import Ctx


class Units(Protocol):
    """The settings and units of work (a :class:`kith.runtime.Kith`)."""

    settings: Settings

    def uow(self, *, write: bool = True) -> AbstractContextManager[Ctx]: ...
