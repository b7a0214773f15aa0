"""Paging for every list the API and the pages show: the page asked for, within the
community's settings, and the envelope a page of results is sent in."""

from __future__ import annotations

from typing import Any, Protocol, Self

from pydantic import BaseModel

from kith.config import Settings
from kith.pagination import Page, PageRequest


class HasSettings(Protocol):
    """A unit of work's context or the runtime: anything that carries the settings."""

    @property
    def settings(self) -> Settings: ...


def page_request(source: HasSettings, page: int, per_page: int | None = None) -> PageRequest:
    """Page ``page`` of ``per_page`` items (``KITH_PAGE_SIZE`` when not given, at most
    ``KITH_MAX_PAGE_SIZE``)."""
    settings = source.settings
    return PageRequest.of(
        page, per_page, default=settings.page_size, maximum=settings.max_page_size
    )


# The envelope of one page of results: a subclass adds its ``items``. (No docstring:
# a model's docstring becomes its description in the OpenAPI document.)
class Paged(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int

    @classmethod
    def of(cls, page: Page[Any], items: list[Any], **extra: Any) -> Self:
        """The response for one page of results, with ``items`` already rendered."""
        return cls(
            items=items,
            total=page.total,
            page=page.page,
            per_page=page.per_page,
            pages=page.pages,
            **extra,
        )


__all__ = ["HasSettings", "Paged", "page_request"]
