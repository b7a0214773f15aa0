"""Password hashing (argon2), opaque tokens, and CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

# A real hash to verify against when the account does not exist, so that a
# missing account takes as long to refuse as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


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
