"""A KG project folder: ``ontology/``, ``data/``, ``queries/``; and the bundled default.

The package carries a copy of this repository's project, so ``kg query visited-sites`` works
from any directory once installed. A folder is a project when it has ``ontology/`` and
``data/``; ``--project DIR`` chooses one, otherwise the current directory (or a parent) is used
if it is a project, else the bundled one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import ProjectError
from kg.namespaces import ONTOLOGY_GRAPH
from kg.queries import NamedQuery, discover
from kg.rdfio import FORMATS, parse_file
from kg.terms import DefaultGraph, NamedNode, Quad

SHAPES_FILE = "shapes.ttl"
CONTEXT_FILE = "context.jsonld"
DATA_SUFFIXES = tuple(f".{ext}" for fmt in FORMATS for ext in fmt.extensions)


def bundled_root() -> Path:
    """The project shipped with the package (or, in a source checkout, the repository)."""
    here = Path(__file__).resolve().parent
    packaged = here / "_project"
    if (packaged / "ontology").is_dir():
        return packaged
    checkout = here.parent.parent
    if (checkout / "ontology").is_dir() and (checkout / "data").is_dir():
        return checkout
    raise ProjectError("the bundled project is missing from this installation; reinstall kg")


def is_project(folder: Path) -> bool:
    return (folder / "ontology").is_dir() and (folder / "data").is_dir()


def find_root(explicit: Path | str | None = None) -> Path:
    """The project folder: ``explicit``, else the current directory or a parent, else bundled."""
    if explicit is not None:
        folder = Path(explicit)
        if not folder.exists():
            raise ProjectError(f"{folder}: no such project folder")
        if not is_project(folder):
            missing = [n for n in ("ontology", "data") if not (folder / n).is_dir()]
            raise ProjectError(
                f"{folder}: not a kg project (missing {' and '.join(m + '/' for m in missing)})"
            )
        return folder.resolve()
    cwd = Path.cwd()
    for folder in (cwd, *cwd.parents):
        if is_project(folder):
            return folder
    return bundled_root()


@dataclass(frozen=True)
class ProjectFiles:
    """Where a project's parts are."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def shapes_path(self) -> Path:
        return self.ontology_dir / SHAPES_FILE

    @property
    def context_path(self) -> Path:
        return self.ontology_dir / CONTEXT_FILE

    @property
    def is_bundled(self) -> bool:
        """Whether this is the project the package carries (read-only to ``add``)."""
        try:
            return self.root.resolve() == bundled_root().resolve()
        except ProjectError:
            return False

    def ontology_files(self) -> list[Path]:
        """The vocabulary files: every ``ontology/*.ttl`` except the shapes."""
        return sorted(p for p in self.ontology_dir.glob("*.ttl") if p.name != SHAPES_FILE)

    def data_files(self) -> list[Path]:
        """Every RDF file under ``data/``, sorted (source texts and other files are skipped)."""
        return sorted(
            p for p in self.data_dir.rglob("*") if p.is_file() and p.suffix.lower() in DATA_SUFFIXES
        )

    def queries(self) -> dict[str, NamedQuery]:
        return discover(self.queries_dir)

    def source_files(self) -> list[Path]:
        """Every file the store is built from, for staleness checks."""
        return [*self.ontology_files(), *self.data_files()]


def ontology_quads(files: ProjectFiles) -> Iterator[Quad]:
    """The vocabulary, placed in the ontology graph."""
    graph = NamedNode(ONTOLOGY_GRAPH)
    for path in files.ontology_files():
        for quad in parse_file(path):
            yield Quad(quad.subject, quad.predicate, quad.object, graph)


def data_quads(files: ProjectFiles) -> Iterator[Quad]:
    for path in files.data_files():
        yield from parse_file(path)


def shapes_quads(files: ProjectFiles) -> list[Quad]:
    if not files.shapes_path.is_file():
        raise ProjectError(f"{files.shapes_path}: the project has no SHACL shapes file")
    return [Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in parse_file(files.shapes_path)]
