"""Derived values remembered on disk, keyed by the content they are derived from.

Some values are slow to compute and depend on a text alone: what a SPARQL constraint of the
shapes reads (found with rdflib's SPARQL parser, about 20 ms a constraint) is the same for the
same constraint text on every run. Such a value is kept as one small JSON file under
``$KG_CACHE_DIR`` (by default ``$XDG_CACHE_HOME/kg``, else ``~/.cache/kg``), named by the
SHA-256 of its kind, ``kg``'s version, the text and the source of the code that computes it,
so that a changed text, a new release or a changed analysis never reads an old value. An entry
that is missing, unreadable or not of the expected shape is computed again; a cache folder
that cannot be written is simply not used.

``KG_CACHE=off`` switches the cache off: every value is computed, nothing is read or written.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from kg.__about__ import __version__

T = TypeVar("T")
OFF_VALUES = ("off", "0", "no", "false")


def cache_dir() -> Path | None:
    """Where entries go; ``None`` when the cache is switched off (``KG_CACHE=off``)."""
    if os.environ.get("KG_CACHE", "").strip().lower() in OFF_VALUES:
        return None
    chosen = os.environ.get("KG_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kg"


def cached(
    kind: str,
    text: str,
    compute: Callable[[], T],
    valid: Callable[[Any], bool],
    *,
    code: tuple[Path, ...] = (),
) -> T:
    """``compute()`` (a JSON value), remembered for ``kind`` and ``text``; an entry is used
    only if ``valid`` accepts it. ``code``: the source files of the computation, part of the key
    (a changed analysis never reads what the old one found)."""
    folder = cache_dir()
    if folder is None:
        return compute()
    key = hashlib.sha256(f"{kind}\0{__version__}\0{text}".encode())
    for path in code:
        try:
            key.update(path.read_bytes())
        except OSError:
            return compute()
    digest = key.hexdigest()
    entry = folder / f"{kind}-{digest}.json"
    try:
        value = json.loads(entry.read_text(encoding="utf-8"))
        if valid(value):
            return value  # type: ignore[no-any-return]
    except (OSError, ValueError):
        pass
    value = compute()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, prefix=".entry-", suffix=".tmp")
    except OSError:
        return value
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(value, out)
        temporary.replace(entry)  # whole or not at all, even with writers side by side
    except OSError:
        temporary.unlink(missing_ok=True)
    return value


__all__ = ["OFF_VALUES", "cache_dir", "cached"]
