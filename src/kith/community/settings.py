"""Community settings: who may join, whether profiles are public, sign-in rules.

The environment seeds each setting (``KITH_`` + the field's name in upper case, read
by :mod:`kith.config`); an administrator's change is kept in ``community_settings``
and wins over the seed from then on. Every reader asks :func:`current`; every change
goes through :func:`update`, which checks the values as a whole before writing any.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from sqlalchemy import select

from kith.community import audit
from kith.config import Settings
from kith.errors import Invalid
from kith.models import CommunitySetting, Member
from kith.uow import Ctx

JoinMode = Literal["open", "domains", "invitation", "approval"]
JOIN_MODES: tuple[JoinMode, ...] = ("open", "domains", "invitation", "approval")

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class CommunitySettings(BaseModel):
    """The settings as every rule reads them.

    - ``join_mode``: ``open`` (anyone signs up), ``domains`` (addresses at
      ``allowed_domains``, or with an invitation), ``invitation`` (only with an
      invitation link or code), ``approval`` (anyone applies, an administrator approves).
    - ``members_may_invite``: members may invite colleagues by email.
    - ``public_profiles``: signed-out visitors may see profiles.
    - ``sso_only``: members sign in through the organization's identity provider only.
    - ``admin_two_factor_required``: administrators must use two-factor sign-in.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    join_mode: JoinMode = "open"
    allowed_domains: tuple[str, ...] = ()
    members_may_invite: bool = False
    public_profiles: bool = False
    sso_only: bool = False
    admin_two_factor_required: bool = False

    @field_validator("allowed_domains", mode="before")
    @classmethod
    def _domains(cls, value: object) -> tuple[str, ...]:
        if isinstance(value, str):
            value = value.replace(",", " ").split()
        if not isinstance(value, list | tuple):
            raise ValueError("a list of email domains")
        seen: dict[str, None] = {}
        for item in value:
            domain = str(item).strip().lower().lstrip("@")
            if not _DOMAIN.match(domain):
                raise ValueError(f"{str(item)[:80]!r} is not an email domain like example.org")
            seen[domain] = None
        if len(seen) > 200:
            raise ValueError("at most 200 domains")
        return tuple(seen)


FIELDS: tuple[str, ...] = tuple(CommunitySettings.model_fields)


def seeded(settings: Settings) -> CommunitySettings:
    """The values the environment gives before any administrator changes them."""
    return CommunitySettings.model_validate({name: getattr(settings, name) for name in FIELDS})


def current(ctx: Ctx) -> CommunitySettings:
    """The settings in force: the environment's seeds overlaid with the stored changes."""
    values = seeded(ctx.settings).model_dump()
    for row in ctx.session.scalars(select(CommunitySetting)):
        if row.key in values:
            values[row.key] = row.value
    try:
        return CommunitySettings.model_validate(values)
    except ValidationError:  # a stored value an older version wrote: the seeds hold
        return seeded(ctx.settings)


def _message(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    text = str(first["msg"]).removeprefix("Value error, ")
    return f"{where}: {text}" if where else text


def update(
    ctx: Ctx, admin: Member, changes: Mapping[str, object], *, reason: str = ""
) -> CommunitySettings:
    """An administrator changes some settings; all are checked before any is written,
    and what changed (before and after) goes into the audit log."""
    audit.require_admin(admin)
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise Invalid(f"There is no setting called {unknown[0][:60]!r}.", code="unknown_setting")
    before = current(ctx)
    try:
        after = CommunitySettings.model_validate({**before.model_dump(), **changes})
    except ValidationError as error:
        raise Invalid(_message(error), code="invalid_setting") from None
    why = audit.clean_reason(reason, required=False)
    now = ctx.clock.now()
    changed: dict[str, dict[str, object]] = {}
    for name in FIELDS:
        value = getattr(after, name)
        if value == getattr(before, name):
            continue
        old = getattr(before, name)
        changed[name] = {
            "before": list(old) if isinstance(old, tuple) else old,
            "after": list(value) if isinstance(value, tuple) else value,
        }
        stored = list(value) if isinstance(value, tuple) else value
        row = ctx.session.get(CommunitySetting, name)
        if row is None:
            ctx.session.add(
                CommunitySetting(key=name, value=stored, updated_at=now, updated_by_id=admin.id)
            )
        else:
            row.value = stored
            row.updated_at = now
            row.updated_by_id = admin.id
    ctx.session.flush()
    if changed:
        audit.record(
            ctx,
            admin,
            "settings_changed",
            "settings",
            None,
            label=", ".join(changed),
            reason=why,
            detail=changed,
        )
    return after
