"""Fixtures: every database test runs on SQLite and on PostgreSQL.

The schema is built from the migrations. Each test runs inside one transaction
that is rolled back; tests that need real commits (concurrency) use
``committed_kith``, which empties the tables afterwards.

Under CI (``CI=true``) a missing PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from kith.app import create_app
from kith.clock import FrozenClock
from kith.config import Settings
from kith.db import Base, Database
from kith.migrations import upgrade
from kith.runtime import Kith
from kith.uow import Ctx
from tests.fixtures.database import CI, PG_URL, postgres_available
from tests.fixtures.settings import CHEAP_ARGON2, TEST_SECRET

BACKENDS = ["sqlite", "postgresql"]

pytest_plugins = [
    "tests.fixtures.browser",
    "tests.fixtures.live",
    "tests.fixtures.oidc",
    "tests.fixtures.mail",
    "tests.fixtures.queries",
    "tests.fixtures.site",
]


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str | None]]:
    """One migrated database per backend for the whole run."""
    urls: dict[str, str | None] = {}
    sqlite_path = tmp_path_factory.mktemp("db") / "kith-test.db"
    urls["sqlite"] = f"sqlite:///{sqlite_path}"
    upgrade(Database(urls["sqlite"]).writer)

    problem = postgres_available()
    schema = f"kith_test_{uuid.uuid4().hex[:10]}"
    if problem is None:
        admin = Database(PG_URL)
        with admin.writer.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        # Named after the schema too: a run's sessions are told apart from another's
        # running at the same time (``pytest -n``) in pg_stat_activity.
        urls["postgresql"] = f"{PG_URL}?options=-csearch_path%3D{schema}&application_name={schema}"
        upgrade(Database(urls["postgresql"]).writer)
    elif CI:
        pytest.fail(f"PostgreSQL is required under CI and is not reachable: {problem}")
    else:
        urls["postgresql"] = None
    yield urls
    if urls.get("postgresql"):
        with admin.writer.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A PostgreSQL-only test has no SQLite variant (deselected, not skipped)."""
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_sqlite = callspec is not None and callspec.params.get("backend") == "sqlite"
        (drop if on_sqlite and item.get_closest_marker("postgres_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database(backend: str, database_urls: dict[str, str | None]) -> Iterator[Database]:
    url = database_urls[backend]
    if url is None:
        pytest.skip("PostgreSQL is not reachable (set CI=true to make this an error)")
    db = Database(url)
    yield db
    db.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def settings(database: Database, tmp_path: Path) -> Settings:
    return Settings(
        env="test",
        database_url=database.url,
        data_dir=tmp_path,
        secret_key=TEST_SECRET,
        **CHEAP_ARGON2,
    )


@pytest.fixture
def kith(database: Database, clock: FrozenClock, settings: Settings) -> Iterator[Kith]:
    """A runtime whose every unit of work runs inside this test's transaction."""
    connection = database.writer.connect()
    outer = connection.begin()
    database.bind_to(connection)
    try:
        yield Kith(settings=settings, clock=clock, db=database)
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture
def ctx(kith: Kith) -> Iterator[Ctx]:
    """A unit of work for calling services directly (committed into the test transaction)."""
    session = kith.db.session()
    yield Ctx(session=session, clock=kith.clock, settings=kith.settings)
    session.close()


@pytest.fixture(scope="session")
def _apps() -> dict[tuple[bool, bool, str], FastAPI]:
    """Apps already built, by what is fixed when one is built (building one takes a
    quarter of a second: FastAPI analyses every route)."""
    return {}


@pytest.fixture
def client(kith: Kith, _apps: dict[tuple[bool, bool, str], FastAPI]) -> Iterator[TestClient]:
    """A browser of the app serving this test's runtime (``app.state.kith``): an app
    built once for these settings, told which runtime it serves."""
    fixed = kith.settings
    key = (fixed.base_url.startswith("https://"), fixed.server_timing, fixed.env)
    app = _apps.get(key)
    if app is None:
        app = _apps[key] = create_app(kith)
    app.state.kith = kith
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def committed_kith(database: Database, clock: FrozenClock, settings: Settings) -> Iterator[Kith]:
    """A runtime that really commits, for concurrency tests; the tables are emptied after."""
    yield Kith(settings=settings, clock=clock, db=database)
    with database.writer.begin() as conn:
        tables = list(reversed(Base.metadata.sorted_tables))
        if database.is_sqlite:
            for table in tables:
                conn.execute(table.delete())
        else:
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
