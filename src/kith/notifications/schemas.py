"""Notification request parameters."""

from __future__ import annotations

from typing import Annotated

from kith.web.params import id_path

NotificationId = Annotated[int, id_path("notification")]
