"""``kith.db.planned_for_values``: statements inside it are planned for their own
values, without a round trip to the server, and psycopg prepares again after it."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from kith.db import planned_for_values
from kith.models import Member
from kith.runtime import Kith

pytestmark = pytest.mark.postgres_only

PREPARED = text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%kith_probe%'")


def _probe(ctx: object) -> None:
    session = ctx.session  # type: ignore[attr-defined]
    session.execute(select(Member.id).where(Member.id == 1).where(text("'kith_probe' <> ''")))


def test_statements_inside_are_never_prepared_and_preparing_comes_back(kith: Kith) -> None:
    with kith.uow(write=False) as ctx:
        raw = ctx.session.connection().connection.dbapi_connection
        threshold = raw.prepare_threshold  # type: ignore[union-attr]
        with planned_for_values(ctx.session):
            assert raw.prepare_threshold is None  # type: ignore[union-attr]
            for _ in range(8):
                _probe(ctx)
            assert ctx.session.execute(PREPARED).scalar() == 0
        assert raw.prepare_threshold == threshold  # type: ignore[union-attr]
        for _ in range(8):
            _probe(ctx)
        assert ctx.session.execute(PREPARED).scalar() == 1


def test_an_error_inside_puts_preparing_back(kith: Kith) -> None:
    with kith.uow(write=False) as ctx:
        raw = ctx.session.connection().connection.dbapi_connection
        threshold = raw.prepare_threshold  # type: ignore[union-attr]
        with pytest.raises(ZeroDivisionError), planned_for_values(ctx.session):
            _ = 1 / 0
        assert raw.prepare_threshold == threshold  # type: ignore[union-attr]
