"""Talking to the organization's OpenID Connect provider: discovery, the authorization
request (state, nonce, PKCE), the code exchange (Authlib's httpx client), and the ID
token's validation (signature against the provider's published keys, issuer,
audience, times, nonce).

The provider's discovery document and keys are kept in the process for an hour; a
key that is not among them makes one fresh fetch (the provider rotated its keys).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.httpx_client import OAuth2Client, _compat
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from kith.config import Settings
from kith.errors import KithError, NotAuthenticated

CACHE_SECONDS = 3600
LEEWAY_SECONDS = 120  # clock difference allowed with the provider
# Authlib's client runs on httpx2 where that is installed, else on httpx.
HTTP_ERRORS = (httpx.HTTPError, _compat.httpx2.HTTPError)
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA")


class ProviderUnavailable(KithError):
    """The identity provider could not be reached, or answered nonsense."""

    status = 503
    code = "sso_unavailable"


class CodeRejected(NotAuthenticated):
    """The provider refused to exchange the authorization code (used already, expired,
    or not issued to us)."""

    code = "sso_code_rejected"


class TokenInvalid(NotAuthenticated):
    """The ID token failed validation."""

    code = "sso_token_invalid"


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str


@dataclass(frozen=True)
class Request:
    """What the browser is sent to the provider with, and what must come back."""

    url: str
    state: str
    nonce: str
    code_verifier: str


_lock = threading.Lock()
_providers: dict[str, tuple[float, Provider]] = {}
_keys: dict[str, tuple[float, KeySet]] = {}


def _same_issuer(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


def redirect_uri(settings: Settings) -> str:
    return f"{settings.base_url.rstrip('/')}/signin/sso/callback"


def _get_json(settings: Settings, url: str) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=settings.oidc_timeout_seconds)
        response.raise_for_status()
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise ProviderUnavailable(
            f"{settings.oidc_display_name} can't be reached right now. Please try again "
            "in a moment.",
            headers={"Retry-After": "30"},
        ) from exc
    if not isinstance(body, dict):
        raise ProviderUnavailable(f"{settings.oidc_display_name} answered something unexpected.")
    return body


def provider(settings: Settings) -> Provider:
    """The provider's endpoints, from its discovery document (kept for an hour)."""
    url = settings.oidc_discovery_url or (
        f"{settings.oidc_issuer.rstrip('/')}/.well-known/openid-configuration"
    )
    with _lock:
        kept = _providers.get(url)
    if kept is not None and kept[0] > time.monotonic():
        return kept[1]
    doc = _get_json(settings, url)
    try:
        found = Provider(
            issuer=str(doc["issuer"]),
            authorization_endpoint=str(doc["authorization_endpoint"]),
            token_endpoint=str(doc["token_endpoint"]),
            jwks_uri=str(doc["jwks_uri"]),
            userinfo_endpoint=str(doc.get("userinfo_endpoint") or ""),
        )
    except KeyError as exc:
        raise ProviderUnavailable(
            f"{settings.oidc_display_name}'s discovery document lacks {exc}."
        ) from None
    if not _same_issuer(found.issuer, settings.oidc_issuer):
        raise ProviderUnavailable(
            f"The discovery document names the issuer {found.issuer[:200]!r}, "
            f"not the configured {settings.oidc_issuer[:200]!r} (KITH_OIDC_ISSUER)."
        )
    with _lock:
        _providers[url] = (time.monotonic() + CACHE_SECONDS, found)
    return found


def _key_set(settings: Settings, found: Provider, *, fresh: bool) -> KeySet:
    with _lock:
        kept = _keys.get(found.jwks_uri)
    if kept is not None and kept[0] > time.monotonic() and not fresh:
        return kept[1]
    try:
        keys = KeySet.import_key_set(_get_json(settings, found.jwks_uri))  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError) as exc:
        raise ProviderUnavailable(f"{settings.oidc_display_name}'s keys can't be read.") from exc
    with _lock:
        _keys[found.jwks_uri] = (time.monotonic() + CACHE_SECONDS, keys)
    return keys


def _client(settings: Settings) -> OAuth2Client:
    return OAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        scope=settings.oidc_scopes,
        redirect_uri=redirect_uri(settings),
        code_challenge_method="S256",
        timeout=settings.oidc_timeout_seconds,
    )


def authorization_request(settings: Settings, *, state: str, nonce: str, verifier: str) -> Request:
    """The provider's authorization URL for a new sign-in."""
    found = provider(settings)
    with _client(settings) as client:
        url, _ = client.create_authorization_url(
            found.authorization_endpoint, state=state, nonce=nonce, code_verifier=verifier
        )
    return Request(str(url), state, nonce, verifier)


def exchange(settings: Settings, *, code: str, verifier: str) -> dict[str, Any]:
    """Exchange the authorization code for the provider's tokens."""
    found = provider(settings)
    with _client(settings) as client:
        try:
            token = client.fetch_token(
                found.token_endpoint,
                grant_type="authorization_code",
                code=code,
                code_verifier=verifier,
            )
        except AuthlibBaseError as exc:
            raise CodeRejected(
                f"{settings.oidc_display_name} refused this sign-in "
                f"({str(getattr(exc, 'error', '') or 'error')[:60]}). Please sign in again.",
            ) from exc
        except HTTP_ERRORS as exc:
            raise ProviderUnavailable(
                f"{settings.oidc_display_name} can't be reached right now. Please try again "
                "in a moment.",
                headers={"Retry-After": "30"},
            ) from exc
    return dict(token)


def id_token_claims(
    settings: Settings, id_token: object, *, nonce: str, now: datetime
) -> dict[str, Any]:
    """The ID token's claims, once its signature, issuer, audience, times and nonce are
    checked."""
    found = provider(settings)
    if not isinstance(id_token, str) or not id_token:
        raise TokenInvalid(f"{settings.oidc_display_name} sent no ID token.")
    try:
        try:
            token = jwt.decode(id_token, _key_set(settings, found, fresh=False), ALGORITHMS)
        except JoseError:  # maybe a key the provider has rotated in since
            token = jwt.decode(id_token, _key_set(settings, found, fresh=True), ALGORITHMS)
        registry = JWTClaimsRegistry(
            now=int(now.timestamp()),
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "values": [found.issuer]},
            aud={"essential": True, "value": settings.oidc_client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        registry.validate(token.claims)
    except (JoseError, ValueError, TypeError) as exc:
        raise TokenInvalid(
            f"The sign-in from {settings.oidc_display_name} could not be verified "
            f"({type(exc).__name__}). Please sign in again."
        ) from exc
    claims = dict(token.claims)
    aud = claims.get("aud")
    if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != settings.oidc_client_id:
        raise TokenInvalid("The ID token was issued to another client.")
    return claims


def userinfo(settings: Settings, access_token: object) -> dict[str, Any]:
    """The provider's userinfo answer (for claims an ID token leaves out)."""
    found = provider(settings)
    if not found.userinfo_endpoint or not isinstance(access_token, str):
        return {}
    try:
        response = httpx.get(
            found.userinfo_endpoint,
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=settings.oidc_timeout_seconds,
        )
        response.raise_for_status()
        body = response.json()
    except (httpx.HTTPError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}


def forget_provider() -> None:
    """Drop the kept discovery documents and keys (tests start providers anew)."""
    with _lock:
        _providers.clear()
        _keys.clear()
