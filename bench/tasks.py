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
TYPE_VALUES = {
    "iri": "https://kg.example.org/id/actp-rf-business-mission-results.mission",
    "string": "mission",
    "integer": "1",
    "boolean": "true",
    "date": "2024-01-01",
}


def query_params(named: NamedQuery) -> dict[str, str]:
    """Values for the parameters a named query requires; the others keep their defaults."""
    return {
        p.name: PARAM_VALUES.get(p.name, TYPE_VALUES.get(p.type, "x")) for p in named.parameters if p.required
    }


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


def load_kg_without_facts(path: str, directory: str) -> dict[str, Any]:
    """kg's own load with the facts view switched off (each quad written once): what the
    facts view costs kg, measured on kg's code path."""
    import kg.store.engine as oxi
    from kg.store.base import stored_quad

    oxi.with_facts = lambda quads: map(stored_quad, quads)  # type: ignore[assignment]
    return load_kg(path, directory)


def load_oxigraph_with_facts(path: str, directory: str) -> dict[str, Any]:
    """Raw pyoxigraph doing the work of kg's load: every quad, and its triple in the default
    graph, in one bulk stream."""

    def run() -> int:
        store = pyoxigraph.Store(directory)
        facts = pyoxigraph.DefaultGraph()

        def stream() -> Any:
            for quad in pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.N_QUADS):
                yield quad
                yield pyoxigraph.Quad(quad.subject, quad.predicate, quad.object, facts)

        store.bulk_extend(stream())
        store.flush()
        return len(store)

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
            seconds, raw_rows = clock(
                lambda t=text: _touch(  # type: ignore[misc]
                    raw.query(t, use_default_graph_as_union=True)
                )
            )
            raw_times.append(seconds)
        out[name] = {
            "kg": statistics.median(lib_times),
            "oxigraph": statistics.median(raw_times),
            "rows": rows,
            "raw_rows": raw_rows,
            "text": text,
            "params": params,
        }
    return {"queries": out}


def bundled_store(directory: str) -> dict[str, Any]:
    """The bundled project's facts in a plain on-disk Oxigraph store, and the text of
    ``visited-sites`` with its prefixes declared (for ``oxigraph query``)."""
    from kg.namespaces import sparql_prologue
    from kg.project import bundled_root, data_quads, ontology_quads

    files = ProjectFiles(bundled_root())
    store = pyoxigraph.Store(directory)
    facts = pyoxigraph.DefaultGraph()
    store.bulk_extend(
        {
            pyoxigraph.Quad(q.subject, q.predicate, q.object, facts): None
            for q in [*ontology_quads(files), *data_quads(files)]
        }
    )
    store.flush()
    named = Project(files, EmbeddedStore()).named_query("visited-sites")
    return {"seconds": 0.0, "visited-sites": sparql_prologue() + bind(named.text, named.bindings({}))}


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
def dump_oxigraph(directory: str, out: str) -> dict[str, Any]:
    """pyoxigraph's own TriG dump (not canonical) of an on-disk store, into a file."""
    store = pyoxigraph.Store.read_only(directory)
    seconds, _ = clock(lambda: store.dump(out, format=pyoxigraph.RdfFormat.TRIG))
    return {"seconds": seconds, "bytes": Path(out).stat().st_size}


def export_check(directory: str, streamed: str) -> dict[str, Any]:
    """The streamed export against the in-memory writer on every quad held at once: the same
    bytes?"""
    from kg.canonical import canonical_trig

    store = DiskStore(Path(directory), read_only=True)
    held = canonical_trig(list(store.quads())).encode()
    return {"seconds": 0.0, "identical": held == Path(streamed).read_bytes(), "bytes": len(held)}


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
        seconds, data = clock(
            lambda: graph.serialize(
                format="json-ld", context=context.get("@context", context), auto_compact=True
            )
        )
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
    return {
        "seconds": end - start,
        "validate_seconds": end - loaded,
        "findings": len(report.findings),
        "fallback": report.fallback_note,
    }


def validate_pyshacl(path: str, out: str) -> dict[str, Any]:
    start = time.perf_counter()
    graph = nquads_to_graph(path)
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")
    loaded = time.perf_counter()
    findings = pyshacl_findings(graph, shapes)
    end = time.perf_counter()
    Path(out).write_text(json.dumps(_keys(findings)))
    return {"seconds": end - start, "validate_seconds": end - loaded, "findings": len(findings)}


def union_ntriples(path: str, out: str) -> dict[str, Any]:
    """The triples of an N-Quads file as N-Triples (the data graph the SHACL peers validate)."""
    quads = pyoxigraph.parse(path=path, format=pyoxigraph.RdfFormat.N_QUADS)
    seconds, _ = clock(
        lambda: pyoxigraph.serialize((q.triple for q in quads), out, format=pyoxigraph.RdfFormat.N_TRIPLES)
    )
    return {"seconds": seconds}


def validate_pyrudof(path: str) -> dict[str, Any]:
    """pyrudof (Rust, native engine), from the N-Triples file to its report."""
    import pyrudof

    def run() -> int:
        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        rudof.read_data(path, format=pyrudof.RDFFormat.NTriples)
        rudof.read_shacl(str(ROOT / "ontology" / "shapes.ttl"), format=pyrudof.ShaclFormat.Turtle)
        return len(rudof.validate_shacl())

    seconds, findings = clock(run)
    return {"seconds": seconds, "findings": findings}


def validate_pyshacl_turbo(path: str) -> dict[str, Any]:
    """pyshacl-turbo (Rust, pySHACL's API), from the N-Triples file to its report."""
    import pyshacl_turbo

    def run() -> int:
        _conforms, results, _text = pyshacl_turbo.validate(
            path,
            shacl_graph=str(ROOT / "ontology" / "shapes.ttl"),
            data_graph_format="nt",
            shacl_graph_format="turtle",
        )
        shacl = rdflib.Namespace("http://www.w3.org/ns/shacl#")
        return len(set(results.subjects(rdflib.RDF.type, shacl.ValidationResult)))

    seconds, findings = clock(run)
    return {"seconds": seconds, "findings": findings}


def add_facts_cost(directory: str, change: str, scratch: str) -> dict[str, Any]:
    """What the facts view costs a ``kg add``: the change written into a checkpoint of the
    store as kg writes it (quads and facts view) and as quads alone."""
    import shutil

    import kg.store.engine as oxi
    from kg.rdfio import N_QUADS, parse_file
    from kg.store.base import stored_quad

    store = DiskStore(Path(directory), read_only=True)
    quads = parse_file(Path(change), N_QUADS.extension)
    times = {}
    for name, write in (
        ("with_facts", lambda e: oxi.apply(e, quads, [])),
        ("quads_only", lambda e: e.extend([stored_quad(q) for q in quads])),
    ):
        runs = []
        for _ in range(3):
            shutil.rmtree(scratch, ignore_errors=True)
            store._store.backup(scratch)
            engine = pyoxigraph.Store(scratch)
            runs.append(clock(lambda e=engine, w=write: (w(e), e.flush()))[0])  # type: ignore[misc]
            del engine
        times[name] = statistics.median(runs)
    shutil.rmtree(scratch, ignore_errors=True)
    return {"seconds": times["with_facts"], **times}


def delta_kg(directory: str, change: str, repetitions: str) -> dict[str, Any]:
    proj = project(DiskStore(Path(directory), read_only=True))
    times = []
    report = None
    for _ in range(int(repetitions)):
        seconds, report = clock(lambda: proj.validate([change]))
        times.append(seconds)
    assert report is not None
    return {
        "seconds": statistics.median(times),
        "first": times[0],
        "findings": len(report.findings),
        "fallback": report.fallback_note,
    }


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "load-kg": load_kg,
    "load-kg-without-facts": load_kg_without_facts,
    "load-oxigraph": load_oxigraph,
    "load-oxigraph-with-facts": load_oxigraph_with_facts,
    "load-rdflib": load_rdflib,
    "queries-kg": queries_kg,
    "queries-rdflib": queries_rdflib,
    "dump-oxigraph": dump_oxigraph,
    "export-check": export_check,
    "export-kg": export_kg,
    "export-rdflib": export_rdflib,
    "validate-kg": validate_kg,
    "validate-pyshacl": validate_pyshacl,
    "union-ntriples": union_ntriples,
    "validate-pyrudof": validate_pyrudof,
    "validate-pyshacl-turbo": validate_pyshacl_turbo,
    "delta-kg": delta_kg,
    "add-facts-cost": add_facts_cost,
    "bundled-store": bundled_store,
}

if __name__ == "__main__":
    result = TASKS[sys.argv[1]](*sys.argv[2:])
    print(json.dumps(result))
