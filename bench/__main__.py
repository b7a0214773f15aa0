"""Run benchmark suites: ``python -m bench`` (all) or ``python -m bench network [options]``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from . import (
    endorsements,
    feed,
    groups,
    insights,
    netmap,
    network,
    pages,
    portability,
    relationships,
    search,
)

# name -> main(argv) returning an exit code; register new suites here.
SUITES: dict[str, Callable[[Sequence[str]], int]] = {
    "network": network.main,
    "search": search.main,
    "relationships": relationships.main,
    "insights": insights.main,
    "portability": portability.main,
    "pages": pages.main,
    "feed": feed.main,
    "endorsements": endorsements.main,
    "netmap": netmap.main,
    "groups": groups.main,
}


def main(argv: Sequence[str]) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(f"usage: python -m bench [{'|'.join(SUITES)}] [suite options]")
        print("       python -m bench            # every suite with its defaults")
        return 0
    if not argv:
        code = 0
        for name, run in SUITES.items():
            print(f"== {name} ==", flush=True)
            code = max(code, run([]))
        return code
    name, rest = argv[0], argv[1:]
    if name not in SUITES:
        print(f"unknown suite {name!r}; choose from {', '.join(SUITES)}", file=sys.stderr)
        return 2
    return SUITES[name](rest)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
