"""Community settings: seeded by the environment, changed by administrators only."""

from __future__ import annotations

import pytest

from kith.community import settings as community
from kith.errors import KithError
from kith.uow import Ctx
from tests.fixtures.factories import make_member


def _code(fn: object, *args: object) -> str:
    with pytest.raises(KithError) as refused:
        fn(*args)  # type: ignore[operator]
    return refused.value.code


def test_the_environment_seeds_and_an_administrator_changes(ctx: Ctx) -> None:
    ctx.settings = ctx.settings.model_copy(
        update={"join_mode": "domains", "allowed_domains": "Example.org, @acme.com example.org"}
    )
    seeded = community.current(ctx)
    assert seeded.join_mode == "domains"
    assert seeded.allowed_domains == ("example.org", "acme.com")
    assert seeded.public_profiles is False

    admin = make_member(ctx, "Ada", role="admin")
    after = community.update(ctx, admin, {"join_mode": "approval", "public_profiles": True})
    assert after.join_mode == "approval"
    assert after.public_profiles
    again = community.current(ctx)
    assert again == after
    assert again.allowed_domains == ("example.org", "acme.com")  # untouched: still the seed


def test_bad_changes_are_refused_and_change_nothing(ctx: Ctx) -> None:
    admin = make_member(ctx, "Ada", role="admin")
    member = make_member(ctx, "Ben")
    before = community.current(ctx)
    assert _code(community.update, ctx, member, {"public_profiles": True}) == "admin_only"
    assert _code(community.update, ctx, admin, {"nope": 1}) == "unknown_setting"
    assert _code(community.update, ctx, admin, {"join_mode": "everyone"}) == "invalid_setting"
    bad_domains = {"join_mode": "domains", "allowed_domains": ["example.org", "not a\x00domain"]}
    assert _code(community.update, ctx, admin, bad_domains) == "invalid_setting"
    assert community.current(ctx) == before
