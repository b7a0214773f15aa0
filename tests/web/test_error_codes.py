"""The error codes the code can answer and the table in docs/api.md are the same
set, both ways: a new code is documented, and a documented code exists."""

from __future__ import annotations

import re
from pathlib import Path

from kith.web.errors import HTTP_CODES

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "src" / "kith"
DOCS = ROOT / "docs" / "api.md"

PATTERNS = [
    re.compile(r'\bcode\s*=\s*"([a-z_]+)"'),  # code="..." and class attributes
    re.compile(r'\bRefusal\(\s*"([a-z_]+)"'),  # refusals of parameters
    re.compile(r'render_error\(\s*request,\s*\d{3},\s*"([a-z_]+)"'),
    re.compile(r'"(invalid_[a-z_]+|[a-z_]+_not_found)"'),  # codes passed along
    re.compile(r'HTTP_CODES\.get\([^,]+,\s*"([a-z_]+)"\)'),  # any other status
]
# An id in a path or a filter refuses as "<thing>_not_found".
NOT_FOUND_OF = re.compile(r'\bid_(?:path|query)\(\s*"([a-z -]+)"')


def codes_in_source() -> set[str]:
    codes = set(HTTP_CODES.values())
    for path in SOURCES.rglob("*.py"):
        text = path.read_text()
        if path == SOURCES / "errors.py":
            # The root's default is never raised bare: every refusal is a subclass.
            text = text.replace('code = "bad_request"', "")
        for pattern in PATTERNS:
            codes |= set(pattern.findall(text))
        codes |= {
            f"{thing.replace(' ', '_').replace('-', '_')}_not_found"
            for thing in NOT_FOUND_OF.findall(text)
        }
    return codes


def codes_in_docs() -> set[str]:
    text = DOCS.read_text()
    table = text.split("## Errors", 1)[1].split("\n\n| status | codes |", 1)[-1]
    rows = [line for line in table.split("\n\n", 1)[0].splitlines() if line.startswith("| ")]
    cells = [row.split("|")[2] for row in rows if "---" not in row]
    return {code for cell in cells for code in re.findall(r"`([a-z_]+)`", cell)}


def test_every_code_in_the_source_is_documented_and_back() -> None:
    source, docs = codes_in_source(), codes_in_docs()
    assert len(source) > 80
    assert len(docs) > 80
    assert source - docs == set(), "raised but not in docs/api.md's table"
    assert docs - source == set(), "in docs/api.md's table but never raised"
