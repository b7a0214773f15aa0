"""Who may join: the rule :func:`kith.accounts.service.sign_up` asks before it creates
an account.

- ``open``: anyone.
- ``domains``: addresses at one of ``allowed_domains`` (or a subdomain of one).
- ``invitation``: only with an invitation link or code.
- ``approval``: anyone may apply; the account waits, inactive, for an administrator.

A valid invitation admits its holder in every mode, and a code given in any mode
must be valid. An operator creating an account from the command line is not asked.
"""

from __future__ import annotations

from dataclasses import dataclass

from kith.community import invitations
from kith.community.settings import CommunitySettings, current
from kith.errors import Forbidden
from kith.models import JoinInvitation
from kith.uow import Ctx


@dataclass(frozen=True)
class Admission:
    """Whether the new account is active at once (else it waits for approval), and the
    invitation it came with."""

    active: bool
    invitation: JoinInvitation | None = None


def domain_allowed(rules: CommunitySettings, email: str) -> bool:
    domain = email.rpartition("@")[2]
    return any(domain == d or domain.endswith(f".{d}") for d in rules.allowed_domains)


def admit(ctx: Ctx, *, email: str, code: str | None, operator: bool = False) -> Admission:
    """Admit a sign-up by ``email`` (normalized) with an invitation ``code`` or none,
    or refuse it. A code's use is counted here, in the sign-up's transaction."""
    if code and code.strip():
        return Admission(True, invitations.redeem(ctx, code, email))
    if operator:
        return Admission(True)
    rules = current(ctx)
    if rules.join_mode == "open":
        return Admission(True)
    if rules.join_mode == "approval":
        return Admission(False)
    if rules.join_mode == "domains" and domain_allowed(rules, email):
        return Admission(True)
    if rules.join_mode == "domains":
        where = ", ".join(rules.allowed_domains) or "no domain yet"
        raise Forbidden(
            f"Joining is open to email addresses at {where}, or with an invitation.",
            code="domain_not_allowed",
        )
    raise Forbidden(
        "Joining this community needs an invitation link or code.",
        code="invitation_required",
    )
