"""Build a demo community: members with careers, a clustered connection graph,
pending invitations and follows — all consistent with each other.

The graph and careers come from :func:`kith.synthetic.generate_network`; this
module gives them names (Faker), companies, schools, titles and dates, and
writes them in bulk.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from faker import Faker
from sqlalchemy import func, insert, select

from kith import search_index, synthetic
from kith.config import Settings
from kith.demo import groups as demo_groups
from kith.demo import posts as demo_posts
from kith.demo import vocabulary as vocab
from kith.demo.endorsements import plan_endorsements
from kith.demo.introductions import demo_introductions
from kith.demo.pictures import give_pictures
from kith.demo.recommendations import seed_recommendations
from kith.errors import Forbidden
from kith.members.service import INDUSTRIES, entity_key
from kith.models import (
    Company,
    Connection,
    Contact,
    Education,
    Endorsement,
    Follow,
    Invitation,
    Member,
    MemberSkill,
    Notification,
    Position,
    School,
    Skill,
)
from kith.security import hash_password
from kith.uow import Ctx

DEMO_EMAIL = "demo@kith.example"
ADMIN_EMAIL = "admin@kith.example"
DEMO_PASSWORD = "kith-demo-password"  # noqa: S105 - printed for the demo on purpose
LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR", "sv_SE"]
CHUNK = 5_000

Progress = Callable[[str, int], None]  # (step, items done in this step)


@dataclass
class DemoResult:
    members: int
    connections: int
    invitations: int
    follows: int
    demo_email: str
    admin_email: str
    password: str
    posts: int = 0
    comments: int = 0
    reactions: int = 0
    endorsements: int = 0
    groups: int = 0


def is_empty(ctx: Ctx) -> bool:
    return not ctx.session.scalar(select(func.count()).select_from(Member))


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")


def _bulk(
    ctx: Ctx,
    model: type[Any],
    rows: Sequence[dict[str, Any]],
    progress: Progress | None = None,
    step: str = "",
) -> None:
    """Insert many rows given as dicts (see :func:`_bulk_columns`)."""
    if rows:
        names = list(rows[0])
        _bulk_columns(ctx, model, {c: [row[c] for row in rows] for c in names}, progress, step)


def _timestamps(base: datetime, microseconds_before: Any) -> Any:
    """``base`` minus each offset, as a numpy array of naive UTC ``datetime64[us]``."""
    utc = base.astimezone(UTC).replace(tzinfo=None)
    offsets = np.asarray(microseconds_before, dtype=np.int64).astype("timedelta64[us]")
    return np.datetime64(utc, "us") - offsets


class _Converter:
    """One column's values as the driver receives them, converted as the ORM would
    (each distinct value once). A ``datetime64`` array (naive UTC) is formatted in one
    vectorized step, in the text the column's own conversion writes on SQLite."""

    def __init__(self, column: Any, dialect: Any) -> None:
        self.postgres = dialect.name == "postgresql"
        self.convert = column.type._cached_bind_processor(dialect)
        self.seen: dict[Any, Any] = {}

    def __call__(self, values: Any) -> list[Any]:
        if isinstance(values, np.ndarray) and values.dtype.kind == "M":
            text = np.datetime_as_string(values.astype("datetime64[us]"), unit="us")
            text = np.char.replace(text, "T", " ")
            if self.postgres:
                text = np.char.add(text, "+00:00")
            return list(text.tolist())
        if isinstance(values, np.ndarray):
            return list(values.tolist())
        if self.convert is None:
            return list(values)
        out = []
        seen, convert = self.seen, self.convert
        for value in values:
            try:
                out.append(seen[value])
            except KeyError:
                out.append(seen.setdefault(value, convert(value)))
            except TypeError:  # unhashable
                out.append(convert(value))
        return out


def _bulk_columns(
    ctx: Ctx,
    model: type[Any],
    columns: dict[str, Any],
    progress: Progress | None = None,
    step: str = "",
) -> None:
    """Insert many rows, given column by column (lists or numpy arrays of equal
    length), straight through the driver (``COPY`` on PostgreSQL, ``executemany`` on
    SQLite), in this unit of work's transaction. Values go through each column's own
    type conversion, so they are stored exactly as the ORM would."""
    table = model.__table__
    conn = ctx.session.connection()
    dialect = conn.dialect
    names = list(columns)
    converters = [_Converter(table.c[c], dialect) for c in names]
    total = len(columns[names[0]]) if names else 0
    if not total:
        return

    def chunks() -> Iterable[tuple[int, Iterable[tuple[Any, ...]]]]:
        for start in range(0, total, CHUNK):
            part = [
                convert(columns[c][start : start + CHUNK])
                for c, convert in zip(names, converters, strict=True)
            ]
            yield len(part[0]), zip(*part, strict=True)

    column_list = ", ".join(names)
    raw: Any = conn.connection.dbapi_connection
    if dialect.name == "postgresql":
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY {table.name} ({column_list}) FROM STDIN") as copy,
        ):
            for size, rows in chunks():
                for row in rows:
                    copy.write_row(row)
                if progress:
                    progress(step, size)
        return
    marks = ", ".join("?" * len(names))
    sql = f"INSERT INTO {table.name} ({column_list}) VALUES ({marks})"  # noqa: S608 - model column names
    cur = raw.cursor()
    try:
        for size, rows in chunks():
            cur.executemany(sql, rows)
            if progress:
                progress(step, size)
    finally:
        cur.close()


def _bulk_ids(ctx: Ctx, model: type[Any], rows: Sequence[dict[str, Any]]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
        ids.extend(ctx.session.scalars(stmt, list(rows[start : start + CHUNK])))
    return ids


def _unique(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        base, n = name, 2
        while entity_key(name) in seen:
            name = f"{base} {n}"
            n += 1
        seen.add(entity_key(name))
        out.append(name)
    return out


ABOUT = [
    "{years} in {industry}, most recently around {place}. I care about {s1} and {s2}, "
    "and I'm always glad to compare notes with people who do the same.",
    "I work at the intersection of {s1} and {s2}. {years} in {industry} taught me that "
    "good work is mostly good relationships.",
    "{years} in {industry}. Currently focused on {s1}; mentoring others in {s2}. "
    "Happy to help people starting out in {place}.",
]


def _about(rng: np.random.Generator, industry: str, career: int, place: str) -> str:
    pool = vocab.SKILLS[industry]
    s1, s2 = (pool[int(i)] for i in rng.choice(len(pool), size=2, replace=False))
    years = f"{career} years" if career > 1 else "My first years"
    text = ABOUT[int(rng.integers(0, len(ABOUT)))].format(
        years=years,
        industry=industry.lower(),
        place=place.split(",")[0],
        s1=s1,
        s2=s2,
    )
    return text[0].upper() + text[1:]


def refuse_in_production(settings: Settings) -> None:
    """Demo members share one published password: never in a production deployment."""
    if settings.env == "production":
        raise Forbidden(
            "The demo community is not loaded in production (KITH_ENV=production): its "
            "members share a published password. Use a dev or test deployment for a demo.",
            code="demo_in_production",
        )


def build_demo(
    ctx: Ctx,
    *,
    members: int,
    seed: int = 1,
    mean_connections: float | None = None,
    progress: Progress | None = None,
) -> DemoResult:
    """Write a demo community of ``members`` into an empty database (never in
    production: :func:`refuse_in_production`)."""
    refuse_in_production(ctx.settings)
    if members < 10:
        raise ValueError("a demo community needs at least 10 members")
    now = ctx.clock.now()
    rng = np.random.default_rng(seed)
    mean = mean_connections or float(min(120.0, max(12.0, members / 25)))
    industries = list(INDUSTRIES)
    net = synthetic.generate_network(
        members,
        mean_degree=mean,
        seed=seed,
        num_industries=len(industries),
        num_schools=max(12, members // 150),
    )
    shift = now.year - synthetic.CURRENT_YEAR
    fakers = [Faker(loc) for loc in LOCALES]
    for i, f in enumerate(fakers):
        f.seed_instance(seed * 100 + i)
    english = fakers[0]

    # Companies and schools
    company_place = rng.integers(0, len(vocab.PLACES), net.num_companies)
    suffixes = vocab.COMPANY_SUFFIXES
    company_names = _unique(
        f"{english.last_name()} {english.random_element(suffixes[industries[int(ind)]])}"
        for ind in net.company_industry
    )
    company_ids = _bulk_ids(
        ctx,
        Company,
        [
            {
                "name": name,
                "key": entity_key(name),
                "industry": industries[int(net.company_industry[i])],
                "created_at": now,
            }
            for i, name in enumerate(company_names)
        ],
    )
    school_names = _unique(
        english.random_element(vocab.SCHOOL_PATTERNS).format(
            city=english.city(), surname=english.last_name()
        )
        for _ in range(net.num_schools)
    )
    school_ids = _bulk_ids(
        ctx,
        School,
        [{"name": n, "key": entity_key(n), "created_at": now} for n in school_names],
    )
    skill_names = sorted({s for names in vocab.SKILLS.values() for s in names})
    skill_ids = dict(
        zip(
            skill_names,
            _bulk_ids(ctx, Skill, [{"name": s, "key": entity_key(s)} for s in skill_names]),
            strict=True,
        )
    )
    if progress:
        progress("companies and schools", net.num_companies + net.num_schools)

    # Careers, in member order
    order = np.argsort(net.position_member, kind="stable")
    p_member = net.position_member[order]
    p_company = net.position_company[order]
    p_start = net.position_start[order].astype(np.int64) + shift
    p_end = net.position_end[order].astype(np.int64)
    p_end = np.where(p_end < 0, -1, p_end + shift)
    p_first = np.searchsorted(p_member, np.arange(1, members + 2))

    degree = net.degrees()
    demo_index = int(np.argsort(degree)[int(members * 0.9)])  # a well-connected member
    admin_index = int(np.argsort(degree)[int(members * 0.5)])

    password_hash = hash_password(DEMO_PASSWORD, ctx.settings)
    primary_degree = np.percentile(degree, 99.5)
    member_rows: list[dict[str, Any]] = []
    position_rows: list[dict[str, Any]] = []
    handles: set[str] = set()
    emails: set[str] = set()
    first_names: list[str] = []
    member_industry: list[str] = []
    for i in range(members):
        fake = fakers[int(rng.integers(0, len(fakers)))]
        first, last = fake.first_name(), fake.last_name()
        handle = base = _slug(f"{first} {last}") or "member"
        n = 2
        while handle in handles:
            handle = f"{base}-{n}"
            n += 1
        handles.add(handle)
        email = f"{handle}@example.org"
        if i == demo_index:
            email = DEMO_EMAIL
        elif i == admin_index:
            email = ADMIN_EMAIL
        emails.add(email)
        industry = industries[int(net.member_industry[i])]
        titles = vocab.TITLES[industry]
        lo, hi = int(p_first[i]), int(p_first[i + 1])
        career = max(0, now.year - int(p_start[lo])) if hi > lo else 0
        headline, place = f"{industry} professional", vocab.PLACES[int(rng.integers(0, 20))]
        for k, row in enumerate(range(lo, hi)):
            company = int(p_company[row])
            years_in = int(p_start[row]) - int(p_start[lo])
            level = min(len(titles) - 1, years_in // 3 + k // 2 + int(rng.integers(0, 2)))
            title = titles[level]
            end = int(p_end[row])
            position_rows.append(
                {
                    "member_index": i,
                    "company_id": company_ids[company],
                    "title": title,
                    "location": vocab.PLACES[int(company_place[company])],
                    "description": "",
                    "start_year": int(p_start[row]),
                    "start_month": int(rng.integers(1, 13)),
                    "end_year": None if end < 0 else max(end, int(p_start[row])),
                    "end_month": None if end < 0 else int(rng.integers(1, 13)),
                }
            )
            if end < 0:
                headline = f"{title} at {company_names[company]}"
                if rng.random() < 0.85:
                    place = vocab.PLACES[int(company_place[company])]
        member_rows.append(
            {
                "email": email,
                "handle": handle,
                "password_hash": password_hash,
                "role": "admin" if i == admin_index else "member",
                "is_active": True,
                "created_at": now - timedelta(days=int(rng.integers(30, 3 * 365))),
                "first_name": first,
                "last_name": last,
                "headline": headline,
                "about": _about(rng, industry, career, place),
                "location": place,
                "industry": industry,
                "career_stage": None,  # derived from positions
                "invite_policy": "everyone",
                "follow_policy": "everyone",
                "connections_visibility": "connections",
                "follow_primary": bool(degree[i] > primary_degree),
                "invite_restricted_until": None,
            }
        )
        first_names.append(first)
        member_industry.append(industry)
    member_ids = _bulk_ids(ctx, Member, member_rows)
    if progress:
        progress("members", members)
    photographed = give_pictures(ctx, member_ids, seed, always=[member_ids[demo_index]])
    if progress:
        progress("photos", photographed)
    mid = np.asarray([0, *member_ids], dtype=np.int64)  # synthetic id -> database id

    member_index = {member_id: i for i, member_id in enumerate(member_ids)}
    for position in position_rows:
        position["member_id"] = member_ids[position.pop("member_index")]
    _bulk(ctx, Position, position_rows)

    education_rows = []
    for j in range(net.school_member.size):
        degree_name, fields = vocab.DEGREES[int(rng.integers(0, len(vocab.DEGREES)))]
        start = int(net.school_start[j]) + shift
        end = int(net.school_end[j]) + shift
        education_rows.append(
            {
                "member_id": int(mid[int(net.school_member[j])]),
                "school_id": school_ids[int(net.school_id[j])],
                "degree": degree_name,
                "field_of_study": fields[int(rng.integers(0, len(fields)))],
                "start_year": start,
                "end_year": max(end, start),
            }
        )
    _bulk(ctx, Education, education_rows)

    skill_rows = []
    for i in range(members):
        pool = vocab.SKILLS[member_industry[i]]
        count = int(rng.integers(3, min(7, len(pool)) + 1))
        for s in rng.choice(len(pool), size=count, replace=False):
            skill_rows.append({"member_id": member_ids[i], "skill_id": skill_ids[pool[int(s)]]})
    _bulk(ctx, MemberSkill, skill_rows)
    if progress:
        progress("profiles", members)

    # Connections: dated after both members were plausibly around
    a = mid[net.a.astype(np.int64)]
    b = mid[net.b.astype(np.int64)]
    lo_ids, hi_ids = np.minimum(a, b), np.maximum(a, b)
    ages = rng.integers(1, 6 * 365, size=lo_ids.size)
    inviter_first = rng.random(lo_ids.size) < 0.5
    minutes = np.arange(lo_ids.size, dtype=np.int64) % 1440
    _bulk_columns(
        ctx,
        Connection,
        {
            "member_lo_id": lo_ids,
            "member_hi_id": hi_ids,
            "inviter_id": np.where(inviter_first, lo_ids, hi_ids),
            "invitation_id": [None] * lo_ids.size,
            "context": [""] * lo_ids.size,
            "created_at": _timestamps(now, (ages * 1440 + minutes) * 60_000_000),
        },
        progress,
        "connections",
    )

    # Follows: both ways along every connection, ...
    span = np.int64(int(mid.max()) + 1)
    keys = [lo_ids * span + hi_ids, hi_ids * span + lo_ids]
    # ... and one-way follows of the most connected members (the community's voices).
    voices = mid[1 + np.argsort(degree)[-max(3, members // 200) :]]
    one_way = []
    for follower in rng.choice(mid[1:], size=members // 3, replace=False):
        for voice in rng.choice(voices, size=min(2, voices.size), replace=False):
            if follower != voice:
                one_way.append(int(follower) * int(span) + int(voice))
    keys.append(np.asarray(one_way, dtype=np.int64))
    follow_keys = np.unique(np.concatenate(keys))  # sorted by (follower, followee)
    follow_days = rng.integers(1, 1000, follow_keys.size)
    _bulk_columns(
        ctx,
        Follow,
        {
            "follower_id": follow_keys // span,
            "followee_id": follow_keys % span,
            "created_at": _timestamps(now, follow_days.astype(np.int64) * 86_400_000_000),
        },
        progress,
        "follows",
    )

    invitations = _invitations(
        ctx, net, mid, rng, now, demo_index, first_names, company_names, school_names
    )
    if progress:
        progress("invitations", invitations)
    _relationships(ctx, int(mid[demo_index + 1]), rng, now)
    _linkedin_import(ctx, int(mid[demo_index + 1]), rng, now, english)
    demo_introductions(ctx, int(mid[demo_index + 1]), rng)
    if progress:
        progress("relationships", 1)
    written = seed_recommendations(
        ctx, int(mid[demo_index + 1]), rng, now, most=max(10, members // 8)
    )
    if progress:
        progress("recommendations", written)
    company_name = dict(zip(company_ids, company_names, strict=True))
    current: list[tuple[str, str] | None] = [None] * members
    for position in position_rows:
        if position["end_year"] is None:
            index = member_index[position["member_id"]]
            current[index] = (position["title"], company_name[position["company_id"]])
    people = demo_posts.People(
        ids=member_ids,
        handles=[r["handle"] for r in member_rows],
        first_names=first_names,
        industries=member_industry,
        places=[r["location"] for r in member_rows],
        joined=[r["created_at"] for r in member_rows],
        current=current,
        neighbours=_neighbours(net, members),
    )
    endorsements = plan_endorsements(rng, lo_ids, hi_ids, position_rows, skill_rows, now)
    _bulk(ctx, Endorsement, endorsements, progress, "endorsements")
    plan = demo_posts.plan_posts(rng, people, now, demo_index)
    posted = demo_posts.write_posts(
        ctx, plan, people, demo_index, bulk=_bulk, bulk_ids=_bulk_ids, progress=progress
    )
    grouped = demo_groups.seed_groups(
        ctx,
        rng,
        now,
        demo_groups.Members(
            ids=member_ids,
            industries=member_industry,
            places=[r["location"] for r in member_rows],
            joined=[r["created_at"] for r in member_rows],
        ),
        demo_index,
        bulk=_bulk,
        bulk_ids=_bulk_ids,
    )
    if progress:
        progress("groups", grouped.groups)
    # Bulk inserts bypass the ORM flush that keeps search documents current.
    indexed = search_index.rebuild(ctx.session)
    if progress:
        progress("search index", indexed)
    return DemoResult(
        members=members,
        connections=int(lo_ids.size),
        invitations=invitations,
        follows=int(follow_keys.size),
        demo_email=DEMO_EMAIL,
        admin_email=ADMIN_EMAIL,
        password=DEMO_PASSWORD,
        posts=posted.posts,
        comments=posted.comments,
        reactions=posted.reactions,
        endorsements=len(endorsements),
        groups=grouped.groups,
    )


def _neighbours(net: synthetic.SyntheticNetwork, members: int) -> list[Any]:
    """Each member's connections, as member indexes (the network's ids start at 1)."""
    a = net.a.astype(np.int64) - 1
    b = net.b.astype(np.int64) - 1
    src, dst = np.concatenate([a, b]), np.concatenate([b, a])
    order = np.argsort(src, kind="stable")
    src, dst = src[order], dst[order]
    starts = np.searchsorted(src, np.arange(members + 1))
    return [dst[starts[i] : starts[i + 1]] for i in range(members)]


_DEMO_MESSAGES = (
    ("Great to see you at the meetup last week — shall we grab coffee?", "Yes! Thursday?"),
    ("Congrats on the new role! How are the first weeks going?", "Thanks — busy but fun."),
    ("Could you introduce me to someone on your data team?", "Happy to, I'll ask Sam."),
)


def _relationships(ctx: Ctx, demo_id: int, rng: np.random.Generator, now: datetime) -> None:
    """The demo member's private side of the network, through the real services: tiers
    and tags on some connections, a few notes, logged interactions spread over the
    past months (so some people are due to reconnect), and a few conversations."""
    from kith.messaging.service import send_message
    from kith.relationships import interactions, records, tiers_tags

    demo = ctx.session.get(Member, demo_id)
    assert demo is not None
    others = [
        int(x)
        for x in ctx.session.scalars(
            select(Connection.member_hi_id)
            .where(Connection.member_lo_id == demo_id)
            .union_all(select(Connection.member_lo_id).where(Connection.member_hi_id == demo_id))
        )
    ]
    if not others:
        return
    chosen = [int(x) for x in rng.choice(others, size=min(16, len(others)), replace=False)]
    people = [m for m in (ctx.session.get(Member, i) for i in chosen) if m is not None]
    tiers_tags.ensure_default_tiers(ctx, demo)
    tiers = tiers_tags.list_tiers(ctx, demo)
    plan = [
        (0, "mentor", "call", 45),
        (0, "former colleague", "meeting", 12),
        (0, "mentor", "call", 70),
        (1, "hiring", "event", 120),
        (1, "data", "meeting", 20),
        (1, "conference", "event", 200),
        (2, "conference", "event", 400),
        (2, "alumni", "other", 500),
    ]
    for person, (tier, tag, kind, days_ago) in zip(people, plan, strict=False):
        records.set_tier(ctx, demo, person, tiers[tier].id)
        records.tag_contact(ctx, demo, person, tag)
        interactions.log_interaction(
            ctx, demo, person, kind, occurred_at=now - timedelta(days=days_ago)
        )
    for person, note in zip(
        people,
        (
            "Met at the spring conference; interested in mentoring juniors.",
            "Worked together on the payments migration.",
        ),
        strict=False,
    ):
        records.add_note(ctx, demo, person, note)
        records.set_how_we_met(ctx, demo, person, note.split(";")[0].split(" on ")[0])
    for person, (ask, answer) in zip(people[8:], _DEMO_MESSAGES, strict=False):
        send_message(ctx, demo, person, ask)
        send_message(ctx, person, demo, answer)


def _linkedin_import(
    ctx: Ctx, demo_id: int, rng: np.random.Generator, now: datetime, fake: Faker
) -> None:
    """The demo member brought their LinkedIn network: an export (written here as
    LinkedIn writes it) imported through the real importer, so Your data shows a
    report, members found on Kith wait to be invited and a few private contacts are
    tagged, one of them due for a catch-up."""
    import csv
    import io

    from kith.portability.importing import import_linkedin
    from kith.portability.linkedin import read_export
    from kith.relationships import interactions, records

    demo = ctx.session.get(Member, demo_id)
    assert demo is not None
    connected = (
        select(Connection.member_hi_id)
        .where(Connection.member_lo_id == demo_id)
        .union_all(select(Connection.member_lo_id).where(Connection.member_hi_id == demo_id))
    )
    on_kith = ctx.session.execute(
        select(Member.first_name, Member.last_name, Company.name, Position.title)
        .join(Position, Position.member_id == Member.id)
        .join(Company, Company.id == Position.company_id)
        .where(Position.end_year.is_(None), Member.id != demo_id, Member.id.not_in(connected))
        .order_by(Member.id)
        .limit(12)
    ).all()
    buf = io.StringIO()
    buf.write(
        'Notes:\n"When exporting your connection data, you may notice that some of the '
        'email addresses are missing."\n\n'
    )
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow(
        ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
    )
    for first, last, company, title in on_kith:
        days = int(rng.integers(200, 3000))
        out.writerow(
            [first, last, "", "", company, title, f"{now - timedelta(days=days):%d %b %Y}"]
        )
    for _ in range(24):
        first, last = fake.first_name(), fake.last_name()
        slug = _slug(f"{first} {last}")
        days = int(rng.integers(100, 4000))
        out.writerow(
            [
                first,
                last,
                f"https://www.linkedin.com/in/{slug}-{int(rng.integers(100, 999))}",
                f"{slug}@example.net" if rng.random() < 0.3 else "",
                fake.company(),
                fake.job(),
                f"{now - timedelta(days=days):%d %b %Y}",
            ]
        )
    out.writerow(["", "", "", "", "", "", f"{now - timedelta(days=30):%d %b %Y}"])  # hidden
    export = read_export([("Connections.csv", buf.getvalue().encode())])
    import_linkedin(ctx, demo, export, filename="Basic_LinkedInDataExport.zip")
    kept = list(
        ctx.session.scalars(
            select(Contact)
            .where(
                Contact.owner_id == demo_id,
                Contact.other_id.is_(None),
                Contact.matched_member_id.is_(None),
            )
            .order_by(Contact.id)
            .limit(3)
        )
    )
    for contact, tag in zip(kept, ("investor", "former colleague", "investor"), strict=False):
        records.tag_contact(ctx, demo, contact, tag)
    if kept:
        records.set_cadence(ctx, demo, kept[0], 60)
        interactions.log_interaction(
            ctx, demo, kept[0], "meeting", occurred_at=now - timedelta(days=75)
        )
        records.add_note(ctx, demo, kept[0], "Angel investor; asked to hear when we raise.")


def _invitations(
    ctx: Ctx,
    net: synthetic.SyntheticNetwork,
    mid: np.ndarray[Any, np.dtype[np.int64]],
    rng: np.random.Generator,
    now: datetime,
    demo_index: int,
    first_names: list[str],
    company_names: list[str],
    school_names: list[str],
) -> int:
    """Pending invitations between 2nd-degree pairs; the demo member gets a few."""
    n = net.num_members
    nbrs: list[list[int]] = [[] for _ in range(n + 1)]
    for x, y in zip(net.a.tolist(), net.b.tolist(), strict=True):
        nbrs[x].append(y)
        nbrs[y].append(x)
    taken: set[tuple[int, int]] = set(zip(net.a.tolist(), net.b.tolist(), strict=True))
    pairs: list[tuple[int, int]] = []
    demo = demo_index + 1
    candidates = [demo] * 6 + rng.integers(1, n + 1, size=max(20, n // 10)).tolist()
    for k, recipient in enumerate(candidates):
        if not nbrs[recipient]:
            continue
        friend = nbrs[recipient][int(rng.integers(0, len(nbrs[recipient])))]
        if not nbrs[friend]:
            continue
        sender = nbrs[friend][int(rng.integers(0, len(nbrs[friend])))]
        if k >= 6 and rng.random() < 0.15:
            sender, recipient = demo, sender  # the demo member has sent a few, too
        key = (min(sender, recipient), max(sender, recipient))
        if sender == recipient or key in taken:
            continue
        taken.add(key)
        pairs.append((sender, recipient))
    rows = []
    for k, (s, r) in enumerate(pairs):
        sid, rid = int(mid[s]), int(mid[r])
        note = ""
        if rng.random() < 0.6:
            industry = INDUSTRIES[int(net.member_industry[r - 1])]
            skills = vocab.SKILLS[industry]
            note = vocab.NOTES[k % len(vocab.NOTES)].format(
                first=first_names[r - 1],
                company=company_names[int(rng.integers(0, len(company_names)))],
                skill=skills[int(rng.integers(0, len(skills)))].lower(),
                school=school_names[int(rng.integers(0, len(school_names)))],
                industry=industry.lower(),
            )
        rows.append(
            {
                "sender_id": sid,
                "recipient_id": rid,
                "pair_lo": min(sid, rid),
                "pair_hi": max(sid, rid),
                "note": note,
                "context": "",
                "status": "ignored" if (r != demo and rng.random() < 0.2) else "pending",
                "created_at": now - timedelta(days=int(rng.integers(0, 60)), hours=k % 24),
                "responded_at": None,
                "withdrawn_at": None,
            }
        )
    ids = _bulk_ids(ctx, Invitation, rows)
    _bulk(
        ctx,
        Notification,
        [
            {
                "member_id": row["recipient_id"],
                "kind": "invitation_received",
                "actor_id": row["sender_id"],
                "invitation_id": inv_id,
                "created_at": row["created_at"],
                "read_at": None,
            }
            for row, inv_id in zip(rows, ids, strict=True)
            if row["status"] == "pending"
        ],
    )
    return len(rows)
