"""People's names compared "case and accents aside", the same way everywhere.

The folded key is computed here, in Python, and stored beside the name
(``members.name_key``), so SQLite and PostgreSQL compare exactly the same strings:
neither database's ``lower()`` is asked to know about accents (SQLite's folds only
ASCII).

Examples
--------
>>> fold_name("  ANAÏS   Müller ")
'anais muller'
>>> fold_name("Straße Øberg Łukasz") == fold_name("strasse oberg lukasz")
True
>>> name_key("Dmitri", "Müller") == name_key("dmitri", "MULLER")
True
"""

from __future__ import annotations

import unicodedata

__all__ = ["NAME_KEY_LENGTH", "fold_name", "name_key"]

NAME_KEY_LENGTH = 201  # first name (100) + space + last name (100)

# Letters that carry no combining mark to drop, spelled as a reader of Latin
# script would fold them (ß already becomes "ss" through casefold).
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
        "ŀ": "l",
    }
)


def fold_name(text: str) -> str:
    """``text`` without case, accents or extra spaces (NFKD, combining marks dropped,
    casefolded; ß, ø, ł and the like spelled out)."""
    if text.isascii():  # nothing to decompose: the common case, kept fast
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.casefold().translate(_LETTERS).split())


def name_key(first_name: str | None, last_name: str | None) -> str:
    """The stored, indexed key of a member's whole name."""
    return fold_name(f"{first_name or ''} {last_name or ''}")[:NAME_KEY_LENGTH]
