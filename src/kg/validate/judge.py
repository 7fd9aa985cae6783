"""The one judge: every path that decides whether data may enter calls these functions.

``kg validate`` (standalone, in context, ``--all``), ``kg add``, ``kg retract``, guarded HTTP
writes and the API all end here, so the same data is judged the same way everywhere. The shapes
run compiled to SPARQL inside the store (:mod:`kg.validate.fast`); pySHACL judges only shapes
that do not compile; ``kg``'s own provenance rules (:mod:`kg.validate.rules`) come with them.

A change (quads added and removed) is judged by the whole of its effect, as RDF4J's ShaclSail
judges a transaction:

1. the facts it adds and those it removes entirely are found (:meth:`Store.fact_delta`);
2. for each check, the focus nodes whose results those facts can change are found by following
   the check's reads backwards from them (:mod:`kg.validate.paths`): the nodes the change
   touches, and every node that reaches them along a path a shape follows, forwards or
   backwards;
3. the checks run on those focus nodes only, before the change and after it
   (:meth:`Store.trial`: in place, without copying the store); what appears after and was not
   there before is the change's doing, whichever node it is about.

A store that cannot show a change in place (a remote endpoint) lends the neighbourhood of the
change to a scratch store, where the same steps run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import rdflib

from kg.store.base import QueryRequest, Store, Trial
from kg.terms import BlankNode, Literal, NamedNode, Quad, Term, Triple
from kg.validate.classes import hierarchy
from kg.validate.context import backward_predicates, neighbourhood
from kg.validate.fast import CompiledShapes, run_check, validate_store
from kg.validate.report import Finding, ValidationReport
from kg.validate.rules import change_findings, store_findings
from kg.validate.shacl import run_shacl

BATCH = 500
"""Start nodes per query when the affected focus nodes are looked for."""

Focus = set[Term] | None
"""The focus nodes a check must look at after a change; ``None``: all of them."""


@dataclass
class Shapes:
    """The shapes, ready to judge with: compiled, with the rdflib graph for pySHACL."""

    graph: rdflib.Graph
    compiled: CompiledShapes
    vocabulary: Sequence[Quad] = field(default_factory=list)


def judge_store(store: Store, shapes: Shapes) -> ValidationReport:
    """Everything in ``store`` (``kg validate --all``)."""
    report = validate_store(store, shapes.graph, shapes.compiled)
    report.findings = sorted({*report.findings, *store_findings(store)}, key=Finding.sort_key)
    return report


def judge_standalone(quads: Sequence[Quad], shapes: Shapes) -> ValidationReport:
    """``quads`` alone, with the vocabulary (``kg validate --standalone``)."""
    from kg.store.embedded import EmbeddedStore

    scratch = EmbeddedStore()
    scratch.bulk_add([*shapes.vocabulary, *quads])
    report = validate_store(scratch, shapes.graph, shapes.compiled)
    rules = change_findings(scratch, quads, ())
    report.findings = sorted({*report.findings, *rules}, key=Finding.sort_key)
    report.standalone = True
    return report


def judge_change(
    store: Store,
    shapes: Shapes,
    added: Sequence[Quad],
    removed: Sequence[Quad],
    *,
    fail_on: str = "Violation",
    commit: Callable[[Trial], None] | None = None,
) -> ValidationReport:
    """The findings ``change(added, removed)`` would bring to ``store``. If ``commit`` is given
    and the change conforms, ``commit`` is called with the change still pending (it commits the
    trial, with the files to publish); otherwise nothing is changed."""
    if not store.capabilities.trials:
        return _judge_remotely(store, shapes, added, removed, fail_on=fail_on, commit=commit)
    delta = store.fact_delta(added, removed)
    changed = [*delta.added, *delta.removed]
    focus = affected(store, shapes.compiled, changed)
    with store.trial(added, removed) as trial:  # the nodes reached only after the change
        focus = _union(focus, affected(trial.after, shapes.compiled, changed))
    before = {f.key() for f in _findings(store, shapes.compiled, _present(store, shapes.compiled, focus))}
    seeds = delta.nodes()
    old_fallback = {f.key() for f in _fallback(store, shapes, seeds)}
    with store.trial(added, removed) as trial:
        after = _findings(trial.after, shapes.compiled, focus)
        found = [f for f in after if f.key() not in before]
        found += [f for f in _fallback(trial.after, shapes, seeds) if f.key() not in old_fallback]
        found += change_findings(trial.after, added, removed)
        report = ValidationReport(
            findings=sorted(set(found), key=Finding.sort_key),
            fail_on=fail_on,
            fallback_note=_fallback_note(shapes),
        )
        if commit is not None and report.conforms:
            commit(trial)
    return report


def _present(store: Store, compiled: CompiledShapes, focus: list[Focus]) -> list[Focus]:
    """``focus`` without the nodes that occur in no fact of ``store`` (nodes the change brings),
    for the checks whose focus nodes all occur in facts: before the change such a node was no
    focus node, so it had no results."""
    wanted = {
        n
        for check, nodes in zip(compiled.checks, focus, strict=True)
        if nodes and not check.listed
        for n in nodes
        if not isinstance(n, BlankNode)
    }
    found: set[Term] = set()
    ordered = sorted(wanted, key=str)
    for begin in range(0, len(ordered), BATCH):
        values = " ".join(str(n) for n in ordered[begin : begin + BATCH])
        result = store.query(
            f"SELECT ?n WHERE {{ VALUES ?n {{ {values} }} "
            "FILTER(EXISTS { ?n ?p ?o } || EXISTS { ?s ?p ?n }) }"
        )
        found.update(n for (n,) in result.rows if n is not None)
    absent = wanted - found
    return [
        nodes if nodes is None or check.listed else nodes - absent
        for check, nodes in zip(compiled.checks, focus, strict=True)
    ]


def _union(first: list[Focus], second: list[Focus]) -> list[Focus]:
    return [None if a is None or b is None else a | b for a, b in zip(first, second, strict=True)]


def affected(store: Store, compiled: CompiledShapes, changed: Sequence[Triple]) -> list[Focus]:
    """For each check (in order), the focus nodes whose results ``changed`` facts can change."""
    by_predicate: dict[str, list[Triple]] = defaultdict(list)
    for triple in changed:
        by_predicate[triple.predicate.value].append(triple)
    wanted: dict[str, set[Term]] = defaultdict(set)
    plan: list[_Needs | None] = []
    for check in compiled.checks:
        needs = _Needs()
        whole = False
        for step in check.reads:
            relevant = changed if step.predicate is None else by_predicate.get(step.predicate, ())
            if not relevant:
                continue
            if step.prefix is None:
                whole = True
                break
            if step.pair is not None:
                pairs = needs.pairs.setdefault((step.prefix, step.pair), set())
                for t in relevant:
                    ends = (_node(t.subject), _node(t.object))
                    if step.same_end:
                        ends = (ends[0], ends[0]) if step.forward else (ends[1], ends[1])
                    if any(isinstance(end, BlankNode) for end in ends):
                        # a blank node cannot be written in a query: each end on its own
                        for prefix, end in zip((step.prefix, step.pair), ends, strict=True):
                            needs.single.append((prefix, {end}))
                            wanted[prefix].add(end)
                    else:
                        pairs.add(ends)
                continue
            starts: set[Term] = {_node(t.subject if step.forward else t.object) for t in relevant}
            needs.single.append((step.prefix, starts))
            wanted[step.prefix] |= starts
        plan.append(None if whole else needs)
    reached = {prefix: _reach(store, prefix, starts) for prefix, starts in wanted.items()}
    both: dict[tuple[str, str, frozenset[tuple[Term, Term]]], set[Term]] = {}
    out: list[Focus] = []
    for wanted_here in plan:
        if wanted_here is None:
            out.append(None)
            continue
        nodes: set[Term] = set()
        for prefix, starts in wanted_here.single:
            for start in starts:
                nodes |= reached[prefix].get(start, set())
        for (first, second), pairs in wanted_here.pairs.items():
            key = (first, second, frozenset(pairs))
            if key not in both:
                both[key] = _reach_both(store, first, second, pairs)
            nodes |= both[key]
        out.append(nodes)
    return out


@dataclass
class _Needs:
    """What one check must look at: nodes reached from single ends, and from both ends."""

    single: list[tuple[str, set[Term]]] = field(default_factory=list)
    pairs: dict[tuple[str, str], set[tuple[Term, Term]]] = field(default_factory=dict)


def _reach_both(store: Store, first: str, second: str, pairs: set[tuple[Term, Term]]) -> set[Term]:
    """The nodes ``f`` with ``f FIRST s`` and ``f SECOND o`` for some pair ``(s, o)`` (neither a
    blank node), found in the engine: far fewer than either end would reach alone. An end that
    is the focus node itself is taken as it is (a few nodes more to check, no query)."""
    if first == "":
        return {s for s, _ in pairs}
    if second == "":
        return {o for _, o in pairs}
    # the engine follows the patterns in the order written: an end held by literals last (many
    # nodes share a value), else the shorter path first (a path through a shared value fans out)
    literal = {end: any(isinstance(pair[i], Literal) for pair in pairs) for i, end in enumerate("ab")}
    patterns = sorted([(first, "?a"), (second, "?b")], key=lambda item: (literal[item[1][1]], len(item[0])))
    (near, near_end), (far, far_end) = patterns
    # a closure (p*, p+) joined in may be evaluated before the values reach it, over the whole
    # store; tested per candidate with EXISTS, it starts from both of its ends bound
    closure = "*" in far or "+" in far
    body = (
        f"?f {near} {near_end} . FILTER EXISTS {{ ?f {far} {far_end} }}"
        if closure
        else f"?f {near} {near_end} . ?f {far} {far_end}"
    )
    out: set[Term] = set()
    ordered = sorted(pairs, key=str)
    for begin in range(0, len(ordered), BATCH):
        rows = " ".join(f"({a} {b})" for a, b in ordered[begin : begin + BATCH])
        result = store.query(f"SELECT DISTINCT ?f WHERE {{ VALUES (?a ?b) {{ {rows} }} {body} }}")
        out.update(f for (f,) in result.rows if f is not None)
    return out


def _node(term: object) -> Term:
    if not isinstance(term, NamedNode | BlankNode | Literal):
        raise TypeError("RDF 1.2 triple terms are not supported")
    return term


def _reach(store: Store, prefix: str, starts: set[Term]) -> dict[Term, set[Term]]:
    """For each start node, the nodes ``f`` with ``f PREFIX start``."""
    if prefix == "":
        return {s: {s} for s in starts}
    out: dict[Term, set[Term]] = defaultdict(set)
    query = f"SELECT DISTINCT ?f ?start WHERE {{ #values\n ?f {prefix} ?start }}"
    named = sorted((s for s in starts if not isinstance(s, BlankNode)), key=str)
    for begin in range(0, len(named), BATCH):
        values = " ".join(str(s) for s in named[begin : begin + BATCH])
        result = store.query(query.replace("#values\n", f"VALUES ?start {{ {values} }}", 1))
        for f, start in result.rows:
            if f is not None and start is not None:
                out[start].add(f)
    for blank in (s for s in starts if isinstance(s, BlankNode)):
        result = store.query(QueryRequest(query, bindings={"start": blank}))
        out[blank].update(f for f, _ in result.rows if f is not None)
    return out


def _findings(store: Store, compiled: CompiledShapes, focus: list[Focus]) -> list[Finding]:
    out: list[Finding] = []
    classes = hierarchy(store) if any(nodes is None for nodes in focus) else None
    for check, nodes in zip(compiled.checks, focus, strict=True):
        if nodes is None:
            out += run_check(store, check, classes=classes)
        elif nodes:
            out += run_check(store, check, sorted(nodes, key=str), classes)
    return out


def _fallback(store: Store, shapes: Shapes, seeds: set[NamedNode | BlankNode]) -> list[Finding]:
    """pySHACL's findings, for the shapes that do not compile, on the change's neighbourhood."""
    if not shapes.compiled.fallback or not seeds:
        return []
    context = neighbourhood(store, seeds)
    focus = {f"_:{n.value}" if isinstance(n, BlankNode) else n.value for n in seeds}
    return [
        f
        for f in run_shacl([*context, *shapes.vocabulary], shapes.compiled.fallback_shapes())
        if f.focus in focus
    ]


def _fallback_note(shapes: Shapes) -> str | None:
    if not shapes.compiled.fallback:
        return None
    reasons = "; ".join(f"{s} ({why})" for s, why in sorted(shapes.compiled.fallback.items()))
    return f"Validated by pySHACL instead of the fast path: {reasons}."


@dataclass
class _RemoteTrial:
    """A change judged in a scratch copy, made on the remote store when committed."""

    store: Store
    added: Sequence[Quad]
    removed: Sequence[Quad]
    after: Store

    def commit(self, publish: Callable[[], None] | None = None) -> None:
        self.store.change(self.added, self.removed)
        if publish is not None:
            publish()


def _judge_remotely(
    store: Store,
    shapes: Shapes,
    added: Sequence[Quad],
    removed: Sequence[Quad],
    *,
    fail_on: str,
    commit: Callable[[Trial], None] | None,
) -> ValidationReport:
    """Judge in a scratch store holding the change's neighbourhood (affected focus nodes
    included), then, if it conforms and ``commit`` is given, make the change remotely."""
    from kg.store.embedded import EmbeddedStore

    delta = store.fact_delta(added, removed)
    focus = affected(store, shapes.compiled, [*delta.added, *delta.removed])
    seeds: set[Term] = set(delta.nodes())
    for nodes in focus:
        seeds |= {n for n in nodes or () if not isinstance(n, Literal)}
    reads = [step for check in shapes.compiled.checks for step in check.reads]
    context = neighbourhood(store, seeds, backward=backward_predicates(reads))
    graph = NamedNode("urn:kg:neighbourhood")
    scratch = EmbeddedStore()
    scratch.change([*(Quad(t.subject, t.predicate, t.object, graph) for t in context), *removed])
    captured: list[Trial] = []
    report = judge_change(
        scratch,
        shapes,
        added,
        removed,
        fail_on=fail_on,
        commit=captured.append if commit is not None else None,
    )
    if commit is not None and report.conforms and captured:
        commit(_RemoteTrial(store, added, removed, captured[0].after))
    return report


__all__ = ["Shapes", "affected", "judge_change", "judge_standalone", "judge_store"]
