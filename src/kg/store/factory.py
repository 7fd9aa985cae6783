"""Choosing a store from the command line's or the environment's options."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.errors import UsageError
from kg.store.base import Store


@dataclass(frozen=True)
class StoreOptions:
    """Where the graph lives: in memory (default), on disk, or behind a SPARQL endpoint."""

    path: Path | None = None
    endpoint: str | None = None
    update_endpoint: str | None = None
    gsp_endpoint: str | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0


def open_store(
    options: StoreOptions, project: Path | None = None, *, check_fresh: bool = True
) -> Store | None:
    """The store the options name, or ``None`` for the default in-memory one. An on-disk store
    is built on first use and checked against the project's files, unless ``check_fresh`` is
    false (``kg build``, which is about to rebuild it)."""
    if options.path is not None and options.endpoint is not None:
        raise UsageError("give --store or --endpoint, not both")
    if options.path is not None:
        from kg.store.disk import DiskStore, open_disk_store

        if not check_fresh:
            return DiskStore(options.path)
        return open_disk_store(options.path, project)
    if options.endpoint is not None:
        from kg.store.remote import RemoteStore

        return RemoteStore(
            options.endpoint,
            update_endpoint=options.update_endpoint,
            gsp_endpoint=options.gsp_endpoint,
            user=options.user,
            password=options.password,
            timeout=options.timeout,
        )
    return None
