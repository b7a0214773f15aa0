"""Single-file snapshots: a JSON header followed by 64-byte aligned raw arrays."""

from __future__ import annotations

import json
import os
import struct
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

MAGIC = b"KITHNET1"
FILE_NAME = "network.snapshot"
_ALIGN = 64


def resolve(path: str | os.PathLike[str]) -> Path:
    """A directory means ``<dir>/network.snapshot``; anything else is the file itself."""
    p = Path(path)
    return p / FILE_NAME if p.is_dir() else p


def write(
    path: str | os.PathLike[str], arrays: dict[str, NDArray[Any]], meta: dict[str, Any]
) -> Path:
    """Write atomically: a temporary file in the same directory, fsync, then rename."""
    target = resolve(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    entries: list[dict[str, Any]] = []
    offset = 0
    for name, arr in arrays.items():
        offset = -(-offset // _ALIGN) * _ALIGN
        entries.append(
            {"name": name, "dtype": arr.dtype.str, "shape": list(arr.shape), "offset": offset}
        )
        offset += arr.nbytes
    header = json.dumps({"meta": meta, "arrays": entries}).encode()
    start = -(-(len(MAGIC) + 8 + len(header)) // _ALIGN) * _ALIGN
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(MAGIC + struct.pack("<Q", len(header)) + header)
            for entry, arr in zip(entries, arrays.values(), strict=True):
                f.seek(start + int(entry["offset"]))
                f.write(np.ascontiguousarray(arr).data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def read(
    path: str | os.PathLike[str], *, mmap: bool
) -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
    """Read a snapshot; arrays are read-only memory maps when ``mmap`` is true."""
    target = resolve(path)
    with open(target, "rb") as f:
        if f.read(len(MAGIC)) != MAGIC:
            raise ValueError(f"{target} is not a Kith network snapshot")
        (size,) = struct.unpack("<Q", f.read(8))
        doc = json.loads(f.read(size))
    start = -(-(len(MAGIC) + 8 + size) // _ALIGN) * _ALIGN
    arrays: dict[str, NDArray[Any]] = {}
    for entry in doc["arrays"]:
        dtype = np.dtype(entry["dtype"])
        shape = tuple(entry["shape"])
        count = int(np.prod(shape)) if shape else 1
        off = start + int(entry["offset"])
        if mmap and count:
            mm = np.memmap(target, dtype=dtype, mode="r", offset=off, shape=shape)
            arrays[entry["name"]] = mm.view(np.ndarray)
        else:
            arr = np.fromfile(target, dtype=dtype, count=count, offset=off).reshape(shape)
            arrays[entry["name"]] = arr
    return arrays, doc["meta"]
