"""What a deleted account leaves in the tables: its row stays (so that messages,
reports and archives still have someone to point at) under a name and a handle
that say it is gone. Account deletion writes them; the export and the pages read
them."""

from __future__ import annotations

FORMER_MEMBER = "Former member"
FORMER_HANDLE_PREFIX = "former_member_"


def placeholder_email(member_id: int) -> str:
    """A unique address no one can sign up with (``.invalid`` is refused at sign-up)."""
    return f"deleted-{member_id}@deleted.invalid"


def placeholder_handle(member_id: int) -> str:
    """A unique handle no one can choose (handles have no underscores)."""
    return f"{FORMER_HANDLE_PREFIX}{member_id}"


def is_former_handle(handle: str) -> bool:
    """The handle of a deleted account (it has no profile page)."""
    return handle.startswith(FORMER_HANDLE_PREFIX)


__all__ = [
    "FORMER_HANDLE_PREFIX",
    "FORMER_MEMBER",
    "is_former_handle",
    "placeholder_email",
    "placeholder_handle",
]
