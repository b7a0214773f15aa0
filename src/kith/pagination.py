"""Pages of results counted and sliced in the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kith.errors import Invalid

T = TypeVar("T")

#: The largest page number: far beyond any list, and its offset fits every database.
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = 20

    @classmethod
    def of(
        cls, page: int | None, per_page: int | None, *, default: int, maximum: int
    ) -> PageRequest:
        page = 1 if page is None else page
        per_page = default if per_page is None else per_page
        if not 1 <= page <= MAX_PAGE:
            raise Invalid(
                f"Page numbers start at 1. The last is {MAX_PAGE:,}.", code="invalid_page"
            )
        if not 1 <= per_page <= maximum:
            raise Invalid(f"Ask for between 1 and {maximum} items per page.", code="invalid_page")
        return cls(page, per_page)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def paginate_rows(
    session: Session, stmt: Select[*tuple[Any, ...]], req: PageRequest
) -> tuple[list[Any], int]:
    """Fetch one page of ``stmt``'s rows and count them all, both in the database. The
    page is read with one row more: a first page that holds every row is its own
    count, and the count is not asked (most lists on a page are short)."""
    rows = list(session.execute(stmt.limit(req.per_page + 1).offset(req.offset)).all())
    if req.offset == 0 and len(rows) <= req.per_page:
        return rows, len(rows)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    return rows[: req.per_page], total


def paginate_counted(
    session: Session, stmt: Select[*tuple[Any, ...]], req: PageRequest
) -> tuple[list[Any], int]:
    """:func:`paginate_rows` in one statement: the total comes with the page, as a window
    count over every row (for a list whose count costs as much as its page, such as the
    profile's recommendation sections). Each row is ``stmt``'s columns."""
    counted = stmt.add_columns(func.count().over())
    rows = list(session.execute(counted.limit(req.per_page).offset(req.offset)).all())
    if rows:
        return [tuple(r)[:-1] for r in rows], int(rows[0][-1])
    if req.offset == 0:
        return [], 0
    return [], int(
        session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    )
