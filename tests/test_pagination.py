"""``kith.pagination.paginate_rows`` on both databases: the right page and total
everywhere, and no count asked when a first page holds every row (read with one row more)."""

from __future__ import annotations

from sqlalchemy import select

from kith.models import Member
from kith.pagination import PageRequest, paginate_counted, paginate_rows
from kith.runtime import Kith
from tests.fixtures.factories import make_member
from tests.fixtures.queries import count_statements


def test_pages_totals_and_the_count_left_out_for_a_short_first_page(kith: Kith) -> None:
    with kith.uow() as ctx:
        made = [make_member(ctx, f"Page{i}").id for i in range(7)]
        stmt = select(Member.id).where(Member.id.in_(made)).order_by(Member.id)
        with count_statements(kith) as sent:
            rows, total = paginate_rows(ctx.session, stmt, PageRequest(1, 10))
        assert ([r[0] for r in rows], total) == (made, 7)
        assert len(sent) == 1  # the page holds every row: it is its own count
        with count_statements(kith) as sent:
            rows, total = paginate_rows(ctx.session, stmt, PageRequest(1, 7))
        assert ([r[0] for r in rows], total) == (made, 7)
        assert len(sent) == 1  # exactly full: the row after it is not there
        with count_statements(kith) as sent:
            rows, total = paginate_rows(ctx.session, stmt, PageRequest(1, 6))
        assert ([r[0] for r in rows], total) == (made[:6], 7)
        assert len(sent) == 2  # more after it: counted
        rows, total = paginate_rows(ctx.session, stmt, PageRequest(2, 3))
        assert ([r[0] for r in rows], total) == (made[3:6], 7)
        rows, total = paginate_rows(ctx.session, stmt, PageRequest(3, 3))
        assert ([r[0] for r in rows], total) == (made[6:], 7)  # a short last page is counted
        rows, total = paginate_rows(ctx.session, stmt, PageRequest(9, 3))
        assert (rows, total) == ([], 7)


def test_the_counted_page_brings_its_total_in_the_same_statement(kith: Kith) -> None:
    with kith.uow() as ctx:
        made = [make_member(ctx, f"Counted{i}").id for i in range(7)]
        stmt = select(Member.id, Member.first_name).where(Member.id.in_(made))
        stmt = stmt.order_by(Member.id)
        for page, per_page, ids in ((1, 3, made[:3]), (3, 3, made[6:]), (1, 10, made)):
            with count_statements(kith) as sent:
                rows, total = paginate_counted(ctx.session, stmt, PageRequest(page, per_page))
            assert ([r[0] for r in rows], total, len(sent)) == (ids, 7, 1)
            assert all(len(r) == 2 for r in rows)  # the statement's own columns
        # Past the end: no row to carry the total, so it is counted.
        assert paginate_counted(ctx.session, stmt, PageRequest(9, 3)) == ([], 7)
        none = stmt.where(Member.id == 0)
        assert paginate_counted(ctx.session, none, PageRequest(1, 3)) == ([], 0)
