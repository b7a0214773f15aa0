"""An upload is bounded in memory and entries, whatever it claims; the import reads and
matches outside the write transaction; the members' folded names are backfilled."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from kith.db import Database
from kith.members.service import ProfileInput, update_profile
from kith.migrations import alembic_config
from kith.models import Member
from kith.portability import profile_import
from kith.portability.linkedin import ImportRefused, Limits, read_export
from kith.runtime import Kith
from tests.fixtures.factories import make_member
from tests.fixtures.portability import connections_file, zipped

MB = 2**20
# RSS growth allowed while a hostile zip is refused (it grew by 1.1 GB before the bounds).
MEMORY_BOUND = 150 * MB


def _rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def _peak_growth(fn: object) -> tuple[int, BaseException | None]:
    """Run ``fn`` while sampling the process's resident memory; the largest growth."""
    assert callable(fn)
    start, peak, done = _rss(), [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss() - start)
            done.wait(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    error: BaseException | None = None
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001 - reported to the caller
        error = exc
    finally:
        done.set()
        sampler.join()
    return max(peak[0], _rss() - start), error


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_zip_of_many_huge_entries_is_refused_within_a_memory_bound(tmp_path: Path) -> None:
    line = b"Ana,Ruiz,https://www.linkedin.com/in/ana-ruiz,,Acme,CTO,08 Feb 2026\n"
    entry = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    entry += line * (19 * MB // len(line))
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for i in range(60):
            zf.writestr(f"Export{i}/Connections.csv", entry)
    del entry
    data = bomb.read_bytes()
    bomb.unlink()
    assert len(data) < 20 * MB  # within the upload limit, 1.1 GB unpacked
    growth, error = _peak_growth(lambda: read_export([("export.zip", data)]))
    assert isinstance(error, ImportRefused)
    assert error.code in ("import_too_many_rows", "import_too_large")
    assert growth < MEMORY_BOUND, f"grew by {growth / MB:.0f} MB"
    # bounded by bytes too: entries that are not people rows stop at the unpacked bound
    skills = b"Name\n" + b"".join(b"Skill %d\n" % i for i in range(40_000))
    with pytest.raises(ImportRefused) as info:
        read_export(
            [("export.zip", zipped({f"d{i}/Skills.csv": skills for i in range(20)}))],
            limits=Limits(max_unpacked_bytes=2 * MB),
        )
    assert info.value.code == "import_too_large"
    assert "unpacks to more than 2 MB" in info.value.message


def test_a_zip_of_too_many_entries_is_refused() -> None:
    files = {f"x/{i}.txt": b"" for i in range(30)}
    files["x/Connections.csv"] = connections_file([{"First Name": "Ana", "Last Name": "Ruiz"}])
    with pytest.raises(ImportRefused) as info:
        read_export([("export.zip", zipped(files))], limits=Limits(max_entries=20))
    assert info.value.code == "import_too_many_files"
    assert len(read_export([("export.zip", zipped(files))]).connections) == 1


def test_another_member_writes_while_an_import_is_matched(committed_kith: Kith) -> None:
    """The import holds no write transaction while it reads and matches: another
    member's profile edit, made while the import is in the middle of matching, commits
    (on SQLite it would wait on the one write lock, then fail)."""
    kith = committed_kith
    with kith.uow() as ctx:
        sam_id = make_member(ctx, "Sam", "Doe").id
        ana_id = make_member(ctx, "Ana", "Ruiz").id
    rows = [
        {"First Name": "Person", "Last Name": f"N{i}", "URL": f"https://linkedin.com/in/p-{i}"}
        for i in range(1_200)
    ]
    edits: list[str] = []

    def progress(done: int, total: int) -> None:
        if done < total:  # in the middle of matching
            with kith.uow() as other:
                ana = other.session.get(Member, ana_id)
                assert ana is not None
                update_profile(other, ana, ProfileInput(headline=f"Edited at row {done}"))
            edits.append(f"Edited at row {done}")

    run_id = profile_import.run_import(
        kith,
        lambda ctx: ctx.session.get_one(Member, sam_id),
        [("Connections.csv", connections_file(rows))],
        progress=progress,
    )
    assert run_id
    assert edits
    with kith.uow(write=False) as ctx:
        assert ctx.session.get_one(Member, ana_id).headline == edits[-1]


def test_the_migration_backfills_folded_names(tmp_path: Path) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path / 'm.db'}"
    db = Database(url)
    config = alembic_config(db.writer)
    command.upgrade(config, "0008")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO members (email, handle, password_hash, role, is_active, created_at, "
                "first_name, last_name, headline, about, location, industry, invite_policy, "
                "follow_policy, connections_visibility, follow_primary) VALUES "
                "('a@x.example', 'a', '-', 'member', 1, '2026-01-01 00:00:00', 'ANAÏS', "
                "'Müller-Łukasz', '', '', '', '', 'everyone', 'everyone', 'connections', 0)"
            )
        )
    command.upgrade(config, "0010")
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT name_key FROM members")) == "anais muller-lukasz"
    engine.dispose()
    db.dispose()
