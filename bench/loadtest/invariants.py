"""What must hold after the load: checked against the database itself."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import func, select, text

from kith.db import Database
from kith.models import NetworkOutbox
from kith.network_sync import NetworkSync

DUPLICATE_PAIRS = text(
    "SELECT count(*) FROM (SELECT member_lo_id, member_hi_id FROM connections "
    "GROUP BY member_lo_id, member_hi_id HAVING count(*) > 1) AS twice"
)
UNORDERED_PAIRS = text("SELECT count(*) FROM connections WHERE member_lo_id >= member_hi_id")
OPEN_BOTH_WAYS = text(
    "SELECT count(*) FROM invitations AS a JOIN invitations AS b "
    "ON a.sender_id = b.recipient_id AND a.recipient_id = b.sender_id "
    "WHERE a.status = 'pending' AND b.status = 'pending' AND a.id < b.id"
)


@dataclass
class Invariants:
    duplicate_pairs: int = 0
    unordered_pairs: int = 0
    open_both_ways: int = 0
    sampled: int = 0
    disagreements: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.duplicate_pairs
            or self.unordered_pairs
            or self.open_both_ways
            or self.disagreements
        )


def outbox_top(db: Database) -> int:
    with db.session(write=False) as session:
        return int(session.scalar(select(func.coalesce(func.max(NetworkOutbox.id), 0))) or 0)


def check(
    db: Database,
    replicas: list[str],
    members: list[dict[str, Any]],
    ids: dict[str, int],
    samples: int,
    seed: int,
) -> Invariants:
    """The stored invariants, then every replica's degree and shared-connection answers
    for ``samples`` (viewer, member) pairs against an engine built from the database now."""
    found = Invariants()
    with db.writer.connect() as conn:
        found.duplicate_pairs = int(conn.execute(DUPLICATE_PAIRS).scalar() or 0)
        found.unordered_pairs = int(conn.execute(UNORDERED_PAIRS).scalar() or 0)
        found.open_both_ways = int(conn.execute(OPEN_BOTH_WAYS).scalar() or 0)
    truth = NetworkSync(db)
    truth.start(thread=False)
    rng = random.Random(seed)
    for _ in range(samples):
        viewer = rng.choice(members)
        pool = viewer["first"] + viewer["second"] + [rng.choice(members)["handle"]]
        target = rng.choice(pool)
        if target == viewer["handle"] or target not in ids:
            target = rng.choice(members)["handle"]
            if target == viewer["handle"]:
                continue
        expected = (
            truth.engine.degree(viewer["id"], ids[target]),
            truth.engine.mutual_count(viewer["id"], ids[target]),
        )
        found.sampled += 1
        for base in replicas:
            answer = httpx.get(
                f"{base}/api/v1/members/{target}",
                headers={"Authorization": f"Bearer {viewer['token']}"},
                timeout=30,
            ).json()
            seen = (answer.get("degree") or 0, answer.get("mutual_connections", 0))
            if seen != expected:
                found.disagreements.append(
                    {
                        "replica": base,
                        "viewer": viewer["handle"],
                        "member": target,
                        "replica_says": seen,
                        "database_says": expected,
                    }
                )
    truth.stop()
    return found
