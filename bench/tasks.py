"""The measured operations, one per process so that each has its own peak memory.

    python bench/tasks.py TASK ARGS...  ->  one JSON object on standard output

Times are taken inside the process around the operation itself (interpreter start-up and
imports excluded), with ``time.perf_counter``. The runner (``bench/run.py``) starts these.
"""

from __future__ import annotations

import json
import signal
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph
import rdflib

sys.path.insert(0, str(Path(__file__).resolve().parent))

import kg
from kg.api import Project
from kg.binding import bind
from kg.project import ProjectFiles, find_root
from kg.queries import NamedQuery
from kg.store.base import Store
from kg.store.disk import DiskStore
from kg.store.embedded import EmbeddedStore
from kg.validate.fast import validate_store
from peers import nquads_to_graph, pyshacl_findings

ROOT = Path(__file__).resolve().parent.parent

#: values for required parameters, by name (entities the generator always makes)
PARAM_VALUES = {
    "org": "https://kg.example.org/id/actp-rf",
    "organization": "https://kg.example.org/id/actp-rf",
    "person": "https://kg.example.org/id/m0-person-0",
    "site": "https://kg.example.org/id/m0-site-0",
    "text": "technopark",
}
#: by type, for any other required parameter
TYPE_VALUES = {"iri": "https://kg.example.org/id/actp-rf-business-mission-results.mission",
               "string": "mission", "integer": "1", "boolean": "true", "date": "2024-01-01"}


def query_params(named: NamedQuery) -> dict[str, str]:
    """Values for the parameters a named query requires; the others keep their defaults."""
    return {p.name: PARAM_VALUES.get(p.name, TYPE_VALUES.get(p.type, "x"))
            for p in named.parameters if p.required}


def clock(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def project(store: Store) -> Project:
    return Project(ProjectFiles(find_root(ROOT)), store)


def memory_store(path: str) -> EmbeddedStore:
    store = EmbeddedStore()
    store.load_file(Path(path), "nq")
    return store


# -- load ----------------------------------------------------------------------------------
def load_kg(path: str, directory: str) -> dict[str, Any]:
    def run() -> int:
        store = DiskStore(Path(directory))
        count = store.load([Path(path)], "nq").quads
        store.close()
        return count

    seconds, count = clock(run)
    return {"seconds": seconds, "quads": count}


def load_oxigraph(path: str, directory: str) -> dict[str, Any]:
    def run() -> int:
        store = pyoxigraph.Store(directory)
        store.bulk_load(path=path, format=pyoxigraph.RdfFormat.N_QUADS)
        store.flush()
        return len(store)

    seconds, count = clock(run)
    return {"seconds": seconds, "quads": count}


def load_rdflib(path: str) -> dict[str, Any]:
    def run() -> int:
        dataset = rdflib.Dataset()
        dataset.parse(path, format="nquads")
        return sum(1 for _ in dataset.quads((None, None, None, None)))

    seconds, count = clock(run)
    return {"seconds": seconds, "quads": count}


# -- queries -------------------------------------------------------------------------------
def _touch(solutions: pyoxigraph.QuerySolutions) -> int:
    """Materialize raw results as a user of pyoxigraph would: every value of every row."""
    width = len(solutions.variables)
    rows = [tuple(s[i] for i in range(width)) for s in solutions]
    return len(rows)


def queries_kg(path: str, repetitions: str) -> dict[str, Any]:
    reps = int(repetitions)
    store = memory_store(path)
    raw = pyoxigraph.Store()
    raw.bulk_load(path=path, format=pyoxigraph.RdfFormat.N_QUADS)
    proj = project(store)
    out: dict[str, Any] = {}
    for name, named in sorted(proj.named_queries.items()):
        params = query_params(named)
        text = bind(named.text, named.bindings(params))
        lib_times, raw_times = [], []
        rows = raw_rows = 0
        for _ in range(reps):  # interleaved, so both see the same cache state
            seconds, result = clock(lambda n=name, p=params: proj.query(n, p))  # type: ignore[misc]
            lib_times.append(seconds)
            rows = len(result.rows)
            seconds, raw_rows = clock(lambda t=text: _touch(  # type: ignore[misc]
                raw.query(t, use_default_graph_as_union=True)))
            raw_times.append(seconds)
        out[name] = {"kg": statistics.median(lib_times), "oxigraph": statistics.median(raw_times),
                     "rows": rows, "raw_rows": raw_rows, "text": text}
    return {"queries": out}


class Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: object) -> None:
    raise Timeout


def queries_rdflib(path: str, texts_file: str, limit: str) -> dict[str, Any]:
    texts: dict[str, str] = json.loads(Path(texts_file).read_text())
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(path, format="nquads")
    out: dict[str, Any] = {}
    signal.signal(signal.SIGALRM, _alarm)
    for name, text in sorted(texts.items()):
        signal.alarm(int(limit))
        try:
            seconds, rows = clock(lambda t=text: len(list(dataset.query(t))))  # type: ignore[misc]
            out[name] = {"seconds": seconds, "rows": rows}
        except Timeout:
            out[name] = {"seconds": None, "limit": int(limit)}
        except Exception as error:
            out[name] = {"seconds": None, "error": f"{type(error).__name__}: {error}"[:120]}
        finally:
            signal.alarm(0)
    return {"queries": out}


# -- export --------------------------------------------------------------------------------
def export_kg(path: str, fmt: str) -> dict[str, Any]:
    proj = project(memory_store(path))
    seconds, data = clock(lambda: proj.export(fmt))
    return {"seconds": seconds, "bytes": len(data)}


def export_rdflib(path: str, fmt: str) -> dict[str, Any]:
    graph = nquads_to_graph(path)
    for prefix, namespace in kg.api.PREFIXES.items():
        graph.bind(prefix, namespace)
    if fmt == "ttl":
        seconds, data = clock(lambda: graph.serialize(format="turtle"))
    else:
        context = json.loads((ROOT / "ontology" / "context.jsonld").read_text())
        seconds, data = clock(lambda: graph.serialize(
            format="json-ld", context=context.get("@context", context), auto_compact=True))
    return {"seconds": seconds, "bytes": len(data.encode())}


# -- validation ----------------------------------------------------------------------------
def _keys(findings: list[kg.Finding]) -> list[list[str | None]]:
    return sorted([list(f.key()) for f in findings], key=lambda k: [str(x) for x in k])


def validate_kg(path: str, out: str) -> dict[str, Any]:
    start = time.perf_counter()
    store = memory_store(path)
    loaded = time.perf_counter()
    proj = project(store)
    report = validate_store(store, proj.shapes, proj.compiled_shapes)
    end = time.perf_counter()
    Path(out).write_text(json.dumps(_keys(report.findings)))
    return {"seconds": end - start, "validate_seconds": end - loaded,
            "findings": len(report.findings), "fallback": report.fallback_note}


def validate_pyshacl(path: str, out: str) -> dict[str, Any]:
    start = time.perf_counter()
    graph = nquads_to_graph(path)
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")
    loaded = time.perf_counter()
    findings = pyshacl_findings(graph, shapes)
    end = time.perf_counter()
    Path(out).write_text(json.dumps(_keys(findings)))
    return {"seconds": end - start, "validate_seconds": end - loaded, "findings": len(findings)}


def delta_kg(directory: str, change: str, repetitions: str) -> dict[str, Any]:
    proj = project(DiskStore(Path(directory), read_only=True))
    times = []
    report = None
    for _ in range(int(repetitions)):
        seconds, report = clock(lambda: proj.validate([change]))
        times.append(seconds)
    assert report is not None
    return {"seconds": statistics.median(times), "first": times[0],
            "findings": len(report.findings), "fallback": report.fallback_note}


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "load-kg": load_kg, "load-oxigraph": load_oxigraph, "load-rdflib": load_rdflib,
    "queries-kg": queries_kg, "queries-rdflib": queries_rdflib,
    "export-kg": export_kg, "export-rdflib": export_rdflib,
    "validate-kg": validate_kg, "validate-pyshacl": validate_pyshacl, "delta-kg": delta_kg,
}

if __name__ == "__main__":
    result = TASKS[sys.argv[1]](*sys.argv[2:])
    print(json.dumps(result))
