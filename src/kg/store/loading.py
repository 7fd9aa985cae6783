"""The load path of the embedded stores: files streamed into the bulk loader, with progress.

Kept lean: it is the hot loop of ``kg load`` and ``kg build``. The quads are counted by
``zip`` with ``itertools.count``, in C, and progress is read off the counter by a reporter
thread, so the loop itself does nothing else.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path

import pyoxigraph

from kg.rdfio import RdfFormat, iter_parse_file
from kg.store import engine as oxi
from kg.store.base import LoadCallback, LoadProgress
from kg.terms import Quad

PROGRESS_INTERVAL = 0.2
"""Seconds between two progress reports during a load."""
BULK_CHUNK = 500_000
"""Quads and facts handed to one bulk load. Oxigraph's bulk loader keeps batches of a million
in flight on several threads (about 2 GB at 1M quads with their facts, whatever the file's
size); chunks this size keep a load under 1 GB, for some of the speed: the loader no longer
works while the next chunk is parsed."""


def bulk_write(engine: pyoxigraph.Store, quads: Iterable[Quad]) -> None:
    """Write quads, and their facts, into a generation nobody reads yet."""
    stream = oxi.with_facts(quads)
    while chunk := list(itertools.islice(stream, BULK_CHUNK)):
        engine.bulk_extend(chunk)


def load_one(
    engine: pyoxigraph.Store, path: Path, rdf_format: RdfFormat, progress: LoadCallback | None
) -> int:
    """Stream one file into ``engine``; returns the quads read."""
    counter = itertools.count()
    quads = map(itemgetter(0), zip(iter_parse_file(path, rdf_format), counter, strict=False))
    with _reporting(progress, path, counter):
        bulk_write(engine, quads)
    return _peek(counter)


@contextmanager
def _reporting(progress: LoadCallback | None, path: Path, counter: itertools.count[int]) -> Iterator[None]:
    """Report ``counter`` to ``progress`` a few times a second while the block runs, and once
    at its end."""
    if progress is None:
        yield
        return
    stop = threading.Event()

    def report() -> None:
        while not stop.wait(PROGRESS_INTERVAL):
            progress(LoadProgress(path, _peek(counter)))

    reporter = threading.Thread(target=report, name="kg-load-progress", daemon=True)
    reporter.start()
    try:
        yield
    finally:
        stop.set()
        reporter.join()
    progress(LoadProgress(path, _peek(counter)))


def _peek(counter: itertools.count[int]) -> int:
    """The next value of ``counter``, without taking it."""
    return int(repr(counter)[len("count(") : -1])
