"""The community's "SSO only" mode: members sign in, and join, through the
organization's identity provider only.

It takes effect only while a provider is configured (``KITH_OIDC_*``): turning it on
without one must not lock everyone out. Administrators keep password sign-in as the
way back in when the provider is down or misconfigured (break-glass); an operator with
shell access can set an administrator's password with ``kith member set-password``.
"""

from __future__ import annotations

from kith.community.settings import current as community_settings
from kith.config import Settings
from kith.errors import Forbidden
from kith.models import Member
from kith.uow import Ctx


class SsoOnly(Forbidden):
    """Password sign-in or sign-up while the community signs in through its provider."""

    code = "sso_only"


def sso_configured(settings: Settings) -> bool:
    """Whether an OpenID Connect provider is configured."""
    return bool(settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret)


def sso_only(ctx: Ctx) -> bool:
    """Whether "SSO only" is in force (on, and a provider configured)."""
    return sso_configured(ctx.settings) and community_settings(ctx).sso_only


def refuse_password_sign_in(ctx: Ctx, member: Member) -> None:
    """Refuse a right password of a member who is not an administrator in SSO-only mode
    (checked after the password, so that it tells nothing to someone without it)."""
    if not member.is_admin and sso_only(ctx):
        raise SsoOnly(
            f"This community signs in through {ctx.settings.oidc_display_name}: "
            "use the button on the sign-in page.",
        )


def refuse_password_sign_up(ctx: Ctx) -> None:
    """Refuse joining with a password in SSO-only mode (an account is made at the first
    sign-in through the provider)."""
    if sso_only(ctx):
        raise SsoOnly(
            f"This community signs in through {ctx.settings.oidc_display_name}: "
            "sign in with it to join.",
        )
