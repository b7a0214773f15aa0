"""Bounded types for what a request carries: ids, page numbers, text.

Every id, page number and limit a client sends is checked against the range
that the databases can hold and the services accept, and the OpenAPI document
states that range. A parameter that fails its check is refused by
:mod:`kith.web.errors`: with the :class:`Refusal` attached to its type when it
has one (an id in a path is the resource's own ``*_not_found``, a page number is
``invalid_page``), otherwise as ``invalid``.

Text never carries a NUL character (PostgreSQL cannot store one):
:func:`reject_nul` refuses it in paths, query strings, JSON and form bodies, in
one place for every route.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Path, Query, Request
from pydantic import BeforeValidator, Field, Strict

from kith.errors import Invalid
from kith.pagination import MAX_PAGE

#: The largest id: PostgreSQL's ``integer`` (SQLite's ids could go further).
MAX_ID = 2**31 - 1
#: The most items a page may hold (``KITH_MAX_PAGE_SIZE`` may only lower it).
MAX_PER_PAGE = 100
#: The sentence for any text with a NUL character.
NUL_REFUSED = "Text may not contain a NUL character (\\u0000)."


@dataclass(frozen=True)
class Refusal:
    """How a parameter that fails its check is refused."""

    code: str
    message: str
    status: int = 422

    @classmethod
    def not_found(cls, thing: str, message: str | None = None) -> Refusal:
        """An id in a path beyond any that exists: the resource's own 404 (``message``:
        the sentence its service gives for an id that does not exist)."""
        code = thing.replace(" ", "_").replace("-", "_")
        return cls(f"{code}_not_found", message or f"There is no such {thing}.", 404)


PAGE_REFUSAL = Refusal("invalid_page", f"Page numbers start at 1. The last is {MAX_PAGE:,}.")
PER_PAGE_REFUSAL = Refusal("invalid_page", f"Ask for between 1 and {MAX_PER_PAGE} items per page.")


def _number(value: Any) -> Any:
    """JSON numbers only: ``true`` and ``"5"`` are not numbers (``5.0`` is 5)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Input should be a number, not a string or a boolean")
    return value


#: A count in a JSON body (days, a year): a whole number, never a string or a boolean.
Count = Annotated[int, BeforeValidator(_number)]
#: An id in a form (text that reads as a whole number).
FormId = Annotated[int, Field(ge=1, le=MAX_ID)]
#: An id in a JSON body (the bounds before the validator, so that the schema shows them).
Id = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_number)]


def id_in_range(value: int) -> bool:
    """Whether ``value`` can be an id at all (parsed by hand from a form)."""
    return 1 <= value <= MAX_ID


#: A yes or no in a JSON body: ``true`` or ``false``, never 0, 1 or "yes".
Flag = Annotated[bool, Strict()]

#: A page number in a query string.
PageNo = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page number, from 1"), PAGE_REFUSAL]
#: Items per page in a query string (the default when left out).
PerPage = Annotated[
    int | None,
    Query(ge=1, le=MAX_PER_PAGE, description="Items per page (default 20)"),
    PER_PAGE_REFUSAL,
]


def id_path(thing: str, message: str | None = None) -> Any:
    """The ``Path`` of an id naming ``thing``, as in
    ``TagId = Annotated[int, id_path("tag")]``: bounded, and outside the bound (or
    not a number) the same 404 as an id that does not exist (with ``message``, the
    service's own sentence for it)."""
    path = Path(ge=1, le=MAX_ID, description=f"The {thing}'s id")
    path.metadata.append(Refusal.not_found(thing, message))
    return path


def id_query(thing: str) -> Any:
    """The ``Query`` of an optional filter by ``thing``'s id: bounded, and outside
    the bound the same 404 as an id that does not exist."""
    query = Query(ge=1, le=MAX_ID, description=f"A {thing} id")
    query.metadata.append(Refusal.not_found(thing))
    return query


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


async def reject_nul(request: Request) -> None:
    """Refuse any text with a NUL character, wherever the request carries it."""
    if "\x00" in request.url.path or any(
        "\x00" in key or "\x00" in value for key, value in request.query_params.multi_items()
    ):
        raise Invalid(NUL_REFUSED)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        if b"\\u0000" in body:
            try:
                data = json.loads(body)
            except ValueError:
                return  # the body's own validation says what is wrong
            if _has_nul(data):
                raise Invalid(NUL_REFUSED)
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        if any(
            "\x00" in key or (isinstance(value, str) and "\x00" in value)
            for key, value in form.multi_items()
        ):
            raise Invalid(NUL_REFUSED)


_KEYWORDS = {
    "min_length": "minLength",
    "max_length": "maxLength",
    "ge": "minimum",
    "le": "maximum",
    "pattern": "pattern",
    "min_items": "minItems",
    "max_items": "maxItems",
}
#: Some text that is not only spaces.
WORDS = r"\S"


def stated(**bounds: Any) -> dict[str, Any]:
    """The JSON Schema keywords of limits that a service checks itself, with its
    own code (``invalid_tag``, ``invalid_cadence``), for ``Field(json_schema_extra=...)``:
    the OpenAPI document states every limit, and the refusal keeps its code."""
    return {_KEYWORDS[name]: value for name, value in bounds.items()}
