"""Password hashing (argon2), opaque tokens, and CSRF tokens.

Each argon2 hash or check takes ``argon2_memory_kib`` of memory (64 MiB by default)
for its duration, so a process runs at most ``argon2_max_in_flight`` of them at once:
a caller waits up to ``argon2_wait_seconds`` for a turn and is then refused with 503
``signin_busy`` and Retry-After, instead of the process growing by 64 MiB a request.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kith.config import Settings
from kith.errors import KithError


class PasswordChecksBusy(KithError):
    """Too many password hashes in flight in this process; try again in a moment."""

    status = 503
    code = "signin_busy"


@lru_cache(maxsize=8)
def _slots(limit: int) -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(limit)


_held = threading.local()


@contextmanager
def password_slot(settings: Settings) -> Iterator[None]:
    """Hold one of the process's ``argon2_max_in_flight`` turns for password hashing.

    Re-entrant within a thread: a sign-in takes its turn before it records the
    attempt, and the check inside runs in that same turn. Raises
    :class:`PasswordChecksBusy` when no turn frees up within ``argon2_wait_seconds``.
    """
    depth = getattr(_held, "depth", 0)
    if depth:
        _held.depth = depth + 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    slots = _slots(settings.argon2_max_in_flight)
    if not slots.acquire(timeout=settings.argon2_wait_seconds):
        retry = max(1, math.ceil(settings.argon2_wait_seconds))
        raise PasswordChecksBusy(
            "Too many people are signing in at this moment. Please try again in a few seconds.",
            headers={"Retry-After": str(retry)},
        )
    _held.depth = 1
    try:
        yield
    finally:
        _held.depth = 0
        slots.release()


@lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def hasher(settings: Settings) -> PasswordHasher:
    """The argon2id hasher with the configured cost (``KITH_ARGON2_*``)."""
    return _hasher(
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
    )


@lru_cache(maxsize=8)
def _dummy_hash(h: PasswordHasher) -> str:
    # A real hash to verify against when the account does not exist, so that a
    # missing account takes as long to refuse as a wrong password.
    return h.hash(secrets.token_urlsafe(16))


def hash_password(password: str, settings: Settings) -> str:
    with password_slot(settings):
        return hasher(settings).hash(password)


def verify_password(password_hash: str | None, password: str, settings: Settings) -> bool:
    """Check a password against its hash (the hash carries its own cost parameters)."""
    h = hasher(settings)
    with password_slot(settings):
        try:
            return h.verify(password_hash or _dummy_hash(h), password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False


def needs_rehash(password_hash: str, settings: Settings) -> bool:
    """Whether the hash was made with other cost parameters than the configured ones."""
    return hasher(settings).check_needs_rehash(password_hash)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(secret_key: str, nonce: str) -> str:
    """A CSRF token bound to a per-browser nonce (kept in a cookie)."""
    mac = hmac.new(secret_key.encode(), nonce.encode(), hashlib.sha256).hexdigest()
    return f"{nonce}.{mac[:32]}"


def csrf_valid(secret_key: str, cookie_nonce: str | None, submitted: str | None) -> bool:
    if not cookie_nonce or not submitted:
        return False
    return hmac.compare_digest(csrf_token(secret_key, cookie_nonce), submitted)
