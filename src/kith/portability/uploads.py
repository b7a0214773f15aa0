"""The files of an upload, one at a time, within bounds.

An upload is a zip as LinkedIn hands it out, or CSV files from it. Entries of a zip
are streamed (never held whole), and every upload is bounded before and while it is
read: each file's size, the total bytes unpacked from a zip, and the number of entries
in it. Going past a bound refuses the whole upload with a code, before anything is
written.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from kith.errors import Invalid

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ENTRIES",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_MAX_UNPACKED_BYTES",
    "ImportRefused",
    "Limits",
    "UploadedFile",
    "base_name",
    "uploaded_files",
]

DEFAULT_MAX_BYTES = 20 * 2**20
"""Largest upload, and largest file inside a zip, that is read (20 MiB)."""
DEFAULT_MAX_UNPACKED_BYTES = 100 * 2**20
"""Most bytes unpacked from the zips of one upload (100 MiB)."""
DEFAULT_MAX_ENTRIES = 1_000
"""Most entries in one zip (LinkedIn's exports hold fewer than a hundred)."""
DEFAULT_MAX_ROWS = 30_000
"""Most people rows (Connections.csv and Invitations.csv) in one import: LinkedIn's own
cap on connections."""


class ImportRefused(Invalid):
    """A file that cannot be imported at all; nothing was read from it."""

    code = "import_unreadable"


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES
    max_entries: int = DEFAULT_MAX_ENTRIES
    max_rows: int = DEFAULT_MAX_ROWS


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def base_name(name: str) -> str:
    """The file's own name, without the folders of the zip it came in."""
    return name.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass(slots=True)
class UploadedFile:
    """One file to read: its name (with its folder in the zip) and whether it came
    from a zip (an unknown file there is listed, an unknown upload refused)."""

    name: str
    in_zip: bool
    _open: object

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        opener = self._open
        assert callable(opener)
        with opener() as stream:
            yield stream


class _Bounded(io.RawIOBase):
    """A binary stream that refuses to give more than its file's and the upload's
    bounds, whatever the zip's directory claims about sizes."""

    def __init__(self, raw: IO[bytes], name: str, budget: _Budget) -> None:
        self.raw, self.name, self.budget, self.read_bytes = raw, name, budget, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.raw.read(len(buffer))
        n = len(data)
        self.read_bytes += n
        self.budget.spend(self.name, self.read_bytes, n)
        buffer[:n] = data
        return n


class _Budget:
    def __init__(self, limits: Limits) -> None:
        self.limits, self.unpacked = limits, 0

    def spend(self, name: str, file_bytes: int, n: int) -> None:
        self.unpacked += n
        if file_bytes > self.limits.max_bytes:
            raise ImportRefused(
                f"{base_name(name)} is more than {_mb(self.limits.max_bytes)} unpacked; "
                f"files up to {_mb(self.limits.max_bytes)} can be imported.",
                code="import_too_large",
            )
        if self.unpacked > self.limits.max_unpacked_bytes:
            raise ImportRefused(
                f"The upload unpacks to more than {_mb(self.limits.max_unpacked_bytes)}; "
                f"an export up to {_mb(self.limits.max_unpacked_bytes)} unpacked can be "
                "imported.",
                code="import_too_large",
            )


def _is_zip(name: str, data: bytes) -> bool:
    return name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04"


def uploaded_files(files: Iterable[tuple[str, bytes]], limits: Limits) -> Iterator[UploadedFile]:
    """Every file of the upload, a zip's entries in name order, each opened when read.

    Raises :class:`ImportRefused` for a file over the size bound, a damaged zip, a zip
    of too many entries, or (while an entry is read) more unpacked bytes than allowed.
    """
    budget = _Budget(limits)
    for name, data in files:
        if len(data) > limits.max_bytes:
            raise ImportRefused(
                f"{name} is {_mb(len(data))}; files up to {_mb(limits.max_bytes)} can be imported.",
                code="import_too_large",
            )
        if _is_zip(name, data):
            yield from _entries(name, data, limits, budget)
        else:
            yield UploadedFile(name, False, lambda data=data: io.BytesIO(data))


def _entries(name: str, data: bytes, limits: Limits, budget: _Budget) -> Iterator[UploadedFile]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise _bad_zip(name, exc) from exc
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > limits.max_entries:
            raise ImportRefused(
                f"{name} holds {len(infos):,} files; a zip of up to {limits.max_entries:,} "
                "files can be imported.",
                code="import_too_many_files",
            )
        for info in sorted(infos, key=lambda i: i.filename):
            if info.file_size > limits.max_bytes:
                raise ImportRefused(
                    f"{info.filename} in {name} is {_mb(info.file_size)} unpacked; files "
                    f"up to {_mb(limits.max_bytes)} can be imported.",
                    code="import_too_large",
                )

            @contextmanager
            def opener(info: zipfile.ZipInfo = info) -> Iterator[IO[bytes]]:
                try:
                    with zf.open(info) as raw:
                        yield io.BufferedReader(_Bounded(raw, info.filename, budget))
                except (
                    zipfile.BadZipFile,
                    zipfile.LargeZipFile,
                    EOFError,
                    OSError,
                    zlib.error,
                ) as exc:
                    raise _bad_zip(name, exc) from exc

            yield UploadedFile(info.filename, True, opener)


def _bad_zip(name: str, exc: Exception) -> ImportRefused:
    return ImportRefused(
        f"{name} is not a complete zip file ({exc}); download the export again.",
        code="import_bad_zip",
    )
