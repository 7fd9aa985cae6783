"""The on-disk embedded store: opened, built from the project when empty."""

from __future__ import annotations

from pathlib import Path

from kg.project import ProjectFiles, data_quads, find_root, ontology_quads
from kg.store.embedded import EmbeddedStore


def open_disk_store(path: Path, project: Path | None = None) -> EmbeddedStore:
    """The Oxigraph store at ``path``; an empty one is filled from the project's files."""
    store = EmbeddedStore(path)
    if len(store) == 0:
        files = ProjectFiles(find_root(project))
        store.add_quads([*ontology_quads(files), *data_quads(files)])
        store.flush()
    return store
