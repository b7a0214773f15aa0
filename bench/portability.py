"""Import benchmark: a LinkedIn export with 10,000 connections into a community of
20,000 members, on SQLite and PostgreSQL.

Run ``python -m bench portability [--connections N] [--members N] [--json PATH]
[--backend sqlite|postgresql|both] [--quick]``. The export is a zip like LinkedIn's
(Connections.csv with its "Notes:" preamble, Invitations.csv, Profile.csv), and
a quarter of its rows carry Kith's own columns (tags, tier, how we met, notes), as an
export from another Kith would. Its people are a mix: members found by email address,
by this community's profile address, by name and company, members the importer is
already connected to, and people who are not members. Each import runs as the page
and the API run it: read the upload, match, write, commit, in one unit of work. The
same file is then imported again (nothing changes) and the matched members invited.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import time
import zipfile
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from kith.clock import FrozenClock
from kith.config import Settings
from kith.db import Database
from kith.migrations import upgrade
from kith.models import Company, Connection, Contact, ImportRun, Member, Position
from kith.pagination import PageRequest
from kith.portability.inviting import imported_matches, invite_matches
from kith.portability.profile_import import run_import
from kith.portability.reports import report_of
from kith.runtime import Kith

from .backends import on_backends
from .network import machine_info

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
BASE_URL = "https://kith.bench.example"
COMPANIES = 300
FIRST = (
    "Ana Ben Chloé Dan Eve Femi Gus Hana Ivo Jun Kai Lea Mo Nia Oto Pia Raj Sol Tess Uma "
    "Vik Wen Xia Yan Zoe"
).split()
LAST = (
    "Ruiz Okafor Dubois Lee Stone Adeyemi Berg Cho Dias Eklund Fox Gallo Haas Ito Jones "
    "Khan Lopez Moreau Novak Ortiz Park Quinn Rossi Silva Tan Ueda Vogel Weber Young Zhou"
).split()


def log(msg: str) -> None:
    print(msg, flush=True)


def populate(db: Database, *, members: int, seed: int) -> tuple[int, list[dict[str, Any]]]:
    """The community: ``members`` members with a current position each. Returns the
    importer's id and every member's (id, names, handle, email, company)."""
    rng = random.Random(seed)
    with db.writer.begin() as conn:
        conn.execute(
            insert(Company),
            [
                {"name": f"Company {i}", "key": f"company {i}", "created_at": NOW}
                for i in range(COMPANIES)
            ],
        )
        company_ids = [r[0] for r in conn.execute(text("SELECT id FROM companies ORDER BY id"))]
        rows = [
            {
                "email": f"m{i}@bench.example",
                "handle": f"bench-{i}",
                "password_hash": "-",
                "created_at": NOW,
                "first_name": rng.choice(FIRST),
                "last_name": f"{rng.choice(LAST)}{i % 997}",
            }
            for i in range(members)
        ]
        conn.execute(insert(Member), rows)
        ids = [r[0] for r in conn.execute(text("SELECT id FROM members ORDER BY id"))]
        company_of = {m: rng.randrange(COMPANIES) for m in ids}
        conn.execute(
            insert(Position),
            [
                {
                    "member_id": m,
                    "company_id": company_ids[company_of[m]],
                    "title": "Engineer",
                    "start_year": rng.randint(2005, 2023),
                    "end_year": None,
                }
                for m in ids
            ],
        )
    people = [
        {**row, "id": m, "company": f"Company {company_of[m]}"}
        for row, m in zip(rows, ids, strict=True)
    ]
    return ids[0], people


def connect(db: Database, owner: int, others: Sequence[int]) -> None:
    with db.writer.begin() as conn:
        conn.execute(
            insert(Connection),
            [
                {
                    "member_lo_id": min(owner, o),
                    "member_hi_id": max(owner, o),
                    "inviter_id": owner,
                    "context": "",
                    "created_at": NOW,
                }
                for o in others
            ],
        )


def build_export(people: list[dict[str, Any]], *, connections: int, seed: int) -> bytes:
    """A zip like LinkedIn's with ``connections`` rows: 20% members by email, 5% by this
    community's address, 15% by name and company, 60% people who are not members."""
    rng = random.Random(seed + 1)
    members = rng.sample(people[1:], min(len(people) - 1, connections * 2 // 5))
    buf = io.StringIO()
    buf.write(
        'Notes:\n"When exporting your connection data, you may notice that some of the '
        'email addresses are missing."\n\n'
    )
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(
        [
            "First Name",
            "Last Name",
            "URL",
            "Email Address",
            "Company",
            "Position",
            "Connected On",
            "Tags",
            "Tier",
            "How We Met",
            "Notes",
            "Last Interaction",
        ]
    )
    day0 = date(2015, 1, 1)
    for i in range(connections):
        on = (day0 + timedelta(days=rng.randrange(4000))).strftime("%d %b %Y")
        kind = rng.random()
        if kind < 0.2 and members:
            p = members.pop()
            row = [
                p["first_name"],
                p["last_name"],
                f"https://www.linkedin.com/in/x-{i}",
                p["email"],
                p["company"],
                "Engineer",
            ]
        elif kind < 0.25 and members:
            p = members.pop()
            row = [
                p["first_name"],
                p["last_name"],
                f"{BASE_URL}/in/{p['handle']}",
                "",
                p["company"],
                "Engineer",
            ]
        elif kind < 0.4 and members:
            p = members.pop()
            row = [
                p["first_name"],
                p["last_name"],
                f"https://www.linkedin.com/in/y-{i}",
                "",
                p["company"],
                "Engineer",
            ]
        else:
            row = [
                rng.choice(FIRST),
                f"Outsider{i}",
                f"https://www.linkedin.com/in/z-{i}",
                "" if rng.random() < 0.7 else f"z{i}@elsewhere.example",
                f"Elsewhere {rng.randrange(500)}",
                "Analyst",
            ]
        extra = ["", "", "", "", ""]
        if rng.random() < 0.25:
            extra = [
                rng.choice(("mentor", "alumni", "investor; alumni", "climbing")),
                rng.choice(("Inner circle", "Industry experts", "")),
                "Met at a conference",
                f"Note about row {i}",
                on,
            ]
        out.writerow([*row, on, *extra])
    inv = io.StringIO()
    w = csv.writer(inv, lineterminator="\n")
    w.writerow(
        ["From", "To", "Sent At", "Message", "Direction", "inviterProfileUrl", "inviteeProfileUrl"]
    )
    for i in range(500):
        w.writerow(
            [
                f"Pending Person{i}",
                "Bench Owner",
                "1/29/26, 2:37 PM",
                "",
                "INCOMING",
                f"https://www.linkedin.com/in/p-{i}",
                "",
            ]
        )
    profile = (
        "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,"
        "Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers\n"
        "Bench,Owner,,,,Builder of things,,Software Development,,Lisbon,,,\n"
    )
    blob = io.BytesIO()
    with zipfile.ZipFile(blob, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Basic_LinkedInDataExport/Connections.csv", buf.getvalue())
        zf.writestr("Basic_LinkedInDataExport/Invitations.csv", inv.getvalue())
        zf.writestr("Basic_LinkedInDataExport/Profile.csv", profile)
    return blob.getvalue()


def timed_import(kith: Kith, owner_id: int, data: bytes) -> tuple[float, dict[str, int]]:
    t0 = time.perf_counter()
    run_id = run_import(
        kith, lambda ctx: ctx.session.get_one(Member, owner_id), [("export.zip", data)]
    )
    seconds = time.perf_counter() - t0
    with kith.uow(write=False) as ctx:
        counts = report_of(ctx.session.get_one(ImportRun, run_id)).counts
    return seconds, counts


def run_backend(name: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    db = Database(url)
    upgrade(db.writer)
    t0 = time.perf_counter()
    owner, people = populate(db, members=args.members, seed=args.seed)
    # The importer is already connected to a tenth of the members the file names.
    connect(db, owner, [p["id"] for p in people[1 : 1 + args.connections // 25]])
    data = build_export(people, connections=args.connections, seed=args.seed)
    build_s = time.perf_counter() - t0
    if name == "postgresql":
        with db.writer.begin() as conn:
            conn.execute(text("ANALYZE"))
    settings = Settings(env="dev", database_url=url, base_url=BASE_URL)
    kith = Kith(settings=settings, clock=FrozenClock(NOW), db=db)
    first_s, counts = timed_import(kith, owner, data)
    log(f"[{name}] first import {first_s:.2f} s: {json.dumps(counts)}")
    again_s, again = timed_import(kith, owner, data)
    log(f"[{name}] same file again {again_s:.2f} s: {json.dumps(again)}")
    with kith.uow(write=False) as ctx:
        contacts = ctx.session.scalar(select(func.count()).where(Contact.owner_id == owner)) or 0
    t1 = time.perf_counter()
    with kith.uow() as ctx:
        me = ctx.session.get_one(Member, owner)
        matches = imported_matches(ctx, me, PageRequest(1, 100_000)).items
        wanted = [m.contact.id for m in matches if m.state == "invite"][:100]
        outcomes = invite_matches(ctx, me, wanted)
    invite_s = time.perf_counter() - t1
    sent = sum(1 for o in outcomes if o.status != "refused")
    log(f"[{name}] invited {sent} of {len(matches)} matches in {invite_s:.2f} s")
    db.dispose()
    return {
        "build_s": round(build_s, 1),
        "export_bytes": len(data),
        "first_import_s": round(first_s, 2),
        "second_import_s": round(again_s, 2),
        "invite_100_s": round(invite_s, 2),
        "counts": counts,
        "second_counts": again,
        "contacts": contacts,
        "matches": len(matches),
        "invitations_sent": sent,
    }


def render(result: dict[str, Any]) -> str:
    m = result["machine"]
    cfg = result["config"]
    lines = [
        f"load average at start {m['loadavg_start']}; machine: {m['cpu']}, {m['cores']} cores, "
        f"{m['ram_gb']} GB RAM, Python {m['python']}, {m['date']}",
        f"A LinkedIn export of {cfg['connections']:,} connections (+500 invitations) into "
        f"{cfg['members']:,} members; target: first import <= 15 s",
        f"  {'backend':<12}{'first s':>9}{'again s':>9}{'invite 100 s':>14}{'new':>8}"
        f"{'matched':>9}{'connected':>11}{'skipped':>9}",
    ]
    for backend, r in result["backends"].items():
        c = r["counts"]
        lines.append(
            f"  {backend:<12}{r['first_import_s']:>9}{r['second_import_s']:>9}"
            f"{r['invite_100_s']:>14}{c['new']:>8}{c['matched']:>9}{c['connected']:>11}"
            f"{c['skipped']:>9}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench portability", description=__doc__)
    p.add_argument("--connections", type=int, default=10_000)
    p.add_argument("--members", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    p.add_argument("--json", default="var/bench/portability.json")
    p.add_argument("--quick", action="store_true", help="small smoke run")
    args = p.parse_args(argv)
    if args.quick:
        args.connections, args.members = 500, 1_000
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"machine": machine_info(), "config": dict(vars(args)), "backends": {}}
    result["backends"] = on_backends(
        args.backend, "bench_port", lambda name, url: run_backend(name, url, args)
    )
    result["date"] = datetime.now(UTC).date().isoformat()
    out.write_text(json.dumps(result, indent=2))
    log("")
    log(render(result))
    log(f"\nwrote {out}")
    return 0
