"""Password hashing (argon2), opaque tokens, and CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kith.config import Settings


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
    return hasher(settings).hash(password)


def verify_password(password_hash: str | None, password: str, settings: Settings) -> bool:
    """Check a password against its hash (the hash carries its own cost parameters)."""
    h = hasher(settings)
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
