"""Canonical TriG of an on-disk store, written by several processes at once.

Most of an export's time goes into reading the quads out of the store and writing each graph
(:mod:`kg.canonical_stream`); graphs are written one after the other, each on its own, so
the work splits. The graphs, in their canonical order, are cut into as many runs as there are
processors to use (at most :data:`MAX_PARTS`). This process writes the first run, and each
other run is written by a process of its own, which opens the same generation of the store
read-only; every run goes into a file of its own. The parent
then writes the prefix header (the prefixes that any part used) and the parts, in order. The
bytes are those of :func:`kg.canonical_stream.write_trig`.

Blank nodes need canonical labels computed over the whole dataset, so a store with a blank
node among its graph names, or in any quad (found when a part meets one), is written by the
one-process writer instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Final, NamedTuple

from kg.canonical import _NeedLabels, _term_key, _Writer
from kg.canonical_stream import write_graphs
from kg.errors import KgError
from kg.store.base import Store, StoreSnapshot
from kg.store.isolated import rebuild_error
from kg.terms import BlankNode, DefaultGraph, GraphName

MAX_PARTS: Final = 4
"""Processes that write parts of one export at most."""
MIN_GRAPHS: Final = 2_000
"""Graphs a store must have for its export to be split (below, starting processes costs more
than it saves)."""


class _Part(NamedTuple):
    used: frozenset[str]
    lines: bool
    ends_blank: bool


class _Reply(NamedTuple):
    """What writing one run gave: ``"ok"`` and the part, ``"labels"`` (a blank node was met),
    or ``"error"`` and the error's class and message."""

    status: str
    part: _Part | None = None
    error: type[KgError] | None = None
    message: str = ""


def processors() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def write_trig_in_parts(
    store: Store, out: IO[bytes], prefixes: Mapping[str, str], parts: int | None = None
) -> bool:
    """Canonical TriG of ``store`` into ``out``, written by ``parts`` processes (default: one per
    processor, at most :data:`MAX_PARTS`). ``False``, with nothing written, when the store
    cannot be split: it cannot be opened by another process, it has too few graphs, there is
    one processor, or blank nodes need labels over the whole dataset."""
    snapshot = store.snapshot()
    count = min(MAX_PARTS, processors()) if parts is None else parts
    if snapshot is None or count < 2:
        return False
    names: list[GraphName] = [DefaultGraph(), *store.named_graphs()]
    if len(names) < MIN_GRAPHS and parts is None:
        return False
    if any(isinstance(g, BlankNode) for g in names):
        return False
    order = sorted(names, key=_term_key)
    step = -(-len(order) // count)
    runs = [order[i : i + step] for i in range(0, len(order), step)]
    with tempfile.TemporaryDirectory(prefix="kg-export-") as folder:
        paths = [Path(folder) / f"part-{i}" for i in range(len(runs))]
        results = _run(store, snapshot, runs, paths, dict(prefixes))
        if results is None:
            return False
        writer = _Writer(prefixes)
        for result in results:
            writer.used.update(result.used)
        head = writer.header(prefixes)
        out.write(head.encode())
        if head and any(r.lines for r in results):
            out.write(b"\n")
        written = False
        ends_blank = True
        for result, path in zip(results, paths, strict=True):
            if not result.lines:
                continue
            if written:
                out.write(b"\n")
            with path.open("rb") as part:
                shutil.copyfileobj(part, out, 1 << 20)
            written, ends_blank = True, result.ends_blank
        if written and not ends_blank:
            out.write(b"\n")
    return True


def _run(
    store: Store,
    snapshot: StoreSnapshot,
    runs: list[list[GraphName]],
    paths: list[Path],
    prefixes: dict[str, str],
) -> list[_Part] | None:
    """The first run written here, from ``store``; each other by a process of its own."""
    import multiprocessing  # an export of a big store only
    from concurrent.futures import ProcessPoolExecutor

    # fresh processes from a fork server: forking a process whose engine threads hold locks
    # could leave the child waiting forever
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=max(1, len(runs) - 1), mp_context=context) as pool:
        futures = [
            pool.submit(_write_part, snapshot, run, str(path), prefixes)
            for run, path in zip(runs[1:], paths[1:], strict=True)
        ]
        replies = [_write_part(store, runs[0], str(paths[0]), prefixes, close=False)]
        replies += [future.result() for future in futures]
    out: list[_Part] = []
    for reply in replies:
        if reply.error is not None:
            raise rebuild_error(reply.error, reply.message)
        if reply.part is None:
            return None
        out.append(reply.part)
    return out


def _write_part(
    source: StoreSnapshot | Store,
    graphs: Sequence[GraphName],
    path: str,
    prefixes: dict[str, str],
    *,
    close: bool = True,
) -> _Reply:
    """One run of graphs into the file at ``path`` (``source`` is opened first when it is a
    snapshot, in a worker)."""
    try:
        store = source if isinstance(source, Store) else source.open()
        try:
            with Path(path).open("wb") as spool:
                used, lines, ends_blank = write_graphs(store.quads, graphs, spool, prefixes)
        finally:
            if close:
                store.close()
    except _NeedLabels:
        return _Reply("labels")
    except KgError as error:
        return _Reply("error", error=type(error), message=error.message)
    return _Reply("ok", _Part(frozenset(used), lines, ends_blank))


__all__ = ["MAX_PARTS", "MIN_GRAPHS", "processors", "write_trig_in_parts"]
