"""The operator's commands for getting back in: ``kith member set-password`` (an
administrator when the identity provider fails; SSO-only mode keeps password sign-in
for administrators) and ``kith member two-factor-off`` (a lost phone)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from kith.accounts import two_factor
from kith.accounts.service import issue_token
from kith.cli import app
from kith.clock import FrozenClock
from kith.models import AuthToken, Member, RecoveryCode
from kith.security import verify_password
from tests.fixtures.factories import make_member
from tests.fixtures.settings import runtime
from tests.fixtures.two_factor import enrol

runner = CliRunner()


def test_set_password_ends_sessions_and_signs_in_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--url", url]).exit_code == 0
    kith = runtime(url)
    with kith.uow() as ctx:
        ada = make_member(ctx, "Ada", role="admin", email="ada@example.org")
        issue_token(ctx, ada, kind="session")
        handle = ada.handle

    result = runner.invoke(
        app,
        ["member", "set-password", "ADA@example.org", "--password", "a new long one", "--url", url],
    )
    assert result.exit_code == 0, result.output
    assert handle in result.output
    with kith.uow(write=False) as ctx:
        member = ctx.session.scalars(select(Member).where(Member.handle == handle)).one()
        assert verify_password(member.password_hash, "a new long one", kith.settings)
        live = select(func.count()).select_from(AuthToken).where(AuthToken.revoked.is_(False))
        assert ctx.session.scalar(live) == 0

    generated = runner.invoke(app, ["member", "set-password", handle, "--url", url])
    assert generated.exit_code == 0, generated.output
    assert "Password:" in generated.output

    short = runner.invoke(
        app, ["member", "set-password", handle, "--password", "short", "--url", url]
    )
    assert short.exit_code == 1
    assert "weak_password" in short.output
    missing = runner.invoke(app, ["member", "set-password", "nobody", "--url", url])
    assert missing.exit_code == 1
    assert "member_not_found" in missing.output
    kith.db.dispose()


def test_two_factor_off_for_a_member_who_lost_their_phone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--url", url]).exit_code == 0
    kith = runtime(url, FrozenClock())
    with kith.uow() as ctx:
        ana = make_member(ctx, "Ana", email="ana@example.org")
    enrol(kith, ana)
    with kith.uow(write=False) as ctx:
        assert two_factor.enrolled(ctx, ana.id)
    result = runner.invoke(app, ["member", "two-factor-off", "ana@example.org", "--url", url])
    assert result.exit_code == 0, result.output
    with kith.uow(write=False) as ctx:
        assert not two_factor.enrolled(ctx, ana.id)
        assert not ctx.session.scalar(select(func.count()).select_from(RecoveryCode))
    missing = runner.invoke(app, ["member", "two-factor-off", "nobody", "--url", url])
    assert missing.exit_code == 1
    kith.db.dispose()
