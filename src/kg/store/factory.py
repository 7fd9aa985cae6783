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


def open_store(options: StoreOptions, project: Path | None = None) -> Store | None:
    """The store the options name, or ``None`` for the default in-memory one."""
    if options.path is not None and options.endpoint is not None:
        raise UsageError("give --store or --endpoint, not both")
    if options.path is not None:
        from kg.store.disk import open_disk_store

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
