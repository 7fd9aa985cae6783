"""Fast validation: the shapes run as SPARQL inside the store, checked against pySHACL.

The shapes are compiled (:mod:`kg.validate.compiler`) into one ``SELECT`` per constraint; the
store answers them, so validation runs in the engine (Oxigraph, or a remote endpoint) and never
copies the graph into rdflib. The findings are the ones :func:`kg.validate.shacl.run_shacl`
reports for the same data: same focus node, path text, value text, constraint component,
severity and shape. Messages are the shapes' ``sh:message`` where they give one, else a
sentence of our own (pySHACL words its defaults differently).

A shape the compiler cannot express is validated by pySHACL instead, over the whole data, with
every compiled shape switched off; the report says which shapes went that way
(:attr:`ValidationReport.fallback_note`).

>>> import rdflib
>>> from kg.store.embedded import EmbeddedStore
>>> from kg.terms import NamedNode, Quad, DefaultGraph
>>> shapes = rdflib.Graph().parse(format="turtle", data='''
...   @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.com/> .
...   ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .
... ''')
>>> store = EmbeddedStore()
>>> _ = store.add_quads([Quad(NamedNode("http://example.com/x"), NamedNode(
...     "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), NamedNode("http://example.com/C"),
...     DefaultGraph())])
>>> [(f.focus, f.component_name) for f in validate_store(store, shapes).findings]
[('http://example.com/x', 'MinCountConstraintComponent')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import SH

from kg.rdflib_bridge import to_rdflib_term
from kg.results import QueryResult
from kg.store.base import QueryRequest, Store
from kg.terms import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Term, Triple
from kg.validate.classes import Hierarchy, hierarchy, specialise
from kg.validate.compiler import FOCUS_SLOT, Check, Compiler, NotCompilable
from kg.validate.report import Finding, ValidationReport
from kg.validate.shacl import node_text, run_shacl

FOCUS_BATCH = 500
"""Focus nodes per query when validation is narrowed to some nodes."""

_DEFAULT_MESSAGES = {
    "ClassConstraintComponent": "Value is not an instance of the required class",
    "DatatypeConstraintComponent": "Value does not have the required datatype",
    "NodeKindConstraintComponent": "Value is not of the required node kind",
    "MinCountConstraintComponent": "Fewer values than the minimum count",
    "MaxCountConstraintComponent": "More values than the maximum count",
    "MinInclusiveConstraintComponent": "Value is below the minimum",
    "MinExclusiveConstraintComponent": "Value is not above the minimum",
    "MaxInclusiveConstraintComponent": "Value is above the maximum",
    "MaxExclusiveConstraintComponent": "Value is not below the maximum",
    "MinLengthConstraintComponent": "Value is shorter than the minimum length",
    "MaxLengthConstraintComponent": "Value is longer than the maximum length",
    "PatternConstraintComponent": "Value does not match the pattern",
    "LanguageInConstraintComponent": "Value's language is not one of those allowed",
    "UniqueLangConstraintComponent": "More than one value with the same language",
    "InConstraintComponent": "Value is not one of those allowed",
    "HasValueConstraintComponent": "The required value is missing",
    "NodeConstraintComponent": "Value does not conform to the required shape",
    "NotConstraintComponent": "Value conforms to a shape it must not conform to",
    "AndConstraintComponent": "Value does not conform to all of the shapes",
    "OrConstraintComponent": "Value conforms to none of the shapes",
    "XoneConstraintComponent": "Value does not conform to exactly one of the shapes",
    "ClosedConstraintComponent": "Property not allowed by the closed shape",
    "EqualsConstraintComponent": "Values of the two properties differ",
    "DisjointConstraintComponent": "Value shared with a property that must be disjoint",
    "LessThanConstraintComponent": "Value is not less than the other property's values",
    "LessThanOrEqualsConstraintComponent": "Value is greater than the other property's values",
    "SPARQLConstraintComponent": "Value violates a SPARQL constraint",
}


@dataclass
class CompiledShapes:
    """The checks compiled from a shapes graph, and the shapes left to pySHACL (with why)."""

    shapes: rdflib.Graph
    checks: list[Check] = field(default_factory=list)
    fallback: dict[str, str] = field(default_factory=dict)
    compiled: list[str] = field(default_factory=list)
    """The top-level shapes the checks come from."""

    def fallback_shapes(self) -> rdflib.Graph:
        """The shapes graph with every compiled shape's targets removed."""
        reduced = rdflib.Graph()
        for triple in self.shapes:
            reduced.add(triple)
        compiled = set(self.compiled)
        for shape in list(reduced.subjects()):
            if node_text(shape) in compiled:
                for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
                    reduced.remove((shape, predicate, None))
                if (shape, rdflib.RDF.type, rdflib.RDFS.Class) in reduced or (
                    shape,
                    rdflib.RDF.type,
                    rdflib.OWL.Class,
                ) in reduced:
                    reduced.add((shape, SH.deactivated, rdflib.Literal(True)))
        return reduced


def compile_shapes(shapes: rdflib.Graph, *, details: bool = True) -> CompiledShapes:
    """Compile every top-level shape; those that cannot be compiled are listed as fallback.

    With ``details`` (as :func:`run_shacl` reports), the results inside a failed ``sh:node``
    are findings too; the W3C test reports leave them out.
    """
    compiler = Compiler(shapes, details=details)
    out = CompiledShapes(shapes)
    for shape in compiler.top_level():
        if compiler.deactivated(shape):
            continue
        try:
            out.checks += compiler.checks(shape)
            out.compiled.append(node_text(shape) or "")
        except NotCompilable as reason:
            out.fallback[node_text(shape) or ""] = str(reason)
    return out


def sort_key(f: Finding) -> tuple[str, ...]:
    return (f.focus, f.path or "", f.value or "", f.component, f.severity, f.shape, f.message)


def term_text(term: Term) -> str:
    """A term as :func:`run_shacl` renders it: IRI, ``_:label``, or a literal's lexical form
    as rdflib normalizes it (``"2011-01-01"^^xsd:dateTime`` reads ``2011-01-01T00:00:00``)."""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        return str(to_rdflib_term(term))
    return term.value


def _message(check: Check, variables: list[str], row: tuple[Term | None, ...]) -> str:
    if not check.messages:
        return _DEFAULT_MESSAGES.get(check.component.rsplit("#", 1)[-1], "Constraint violated")
    values = {name: term_text(v) for name, v in zip(variables, row, strict=True) if v is not None}
    return re.sub(r"\{[?$](\w+)\}", lambda m: values.get(m.group(1), m.group(0)), check.messages[0])


def run_check(
    store: Store,
    check: Check,
    focus: Sequence[Term] | None = None,
    classes: Hierarchy | None = None,
) -> list[Finding]:
    """The findings of one compiled constraint on the store (about ``focus`` nodes only, if
    given: IRIs and literals in one query, blank nodes one by one). ``classes``, the store's
    class hierarchy (:func:`kg.validate.classes.hierarchy`), lets the instance-of tests of a
    run over every focus node list the subclasses rather than walk up to them; a run narrowed
    to given nodes keeps the walks, which start from those nodes (a listed class would make
    the engine start from every instance of it)."""
    if focus is None:
        return _findings(check, store.query(specialise(check.query, classes)))
    text = check.query
    out: list[Finding] = []
    named = [node for node in focus if not isinstance(node, BlankNode)]
    for start in range(0, len(named), FOCUS_BATCH):
        values = " ".join(str(node) for node in named[start : start + FOCUS_BATCH])
        query = text.replace(FOCUS_SLOT, f"VALUES ?this {{ {values} }}\n", 1)
        out += _findings(check, store.query(query))
    for node in focus:
        if isinstance(node, BlankNode):
            out += _findings(check, store.query(QueryRequest(text, bindings={"this": node})))
    return out


def _findings(check: Check, result: QueryResult) -> list[Finding]:
    index = {name: i for i, name in enumerate(result.variables)}
    at_value, at_path = index.get("value"), index.get("path")
    sparql = check.component.endswith("#SPARQLConstraintComponent")
    findings = []
    for row in result.rows:
        this = row[index["this"]]
        if this is None:
            continue
        value = row[at_value] if at_value is not None and check.has_value else None
        if sparql and value is None and check.path is None:
            value = this  # a node shape's SPARQL result without ?value reports the focus node
        path = check.path
        if path is None and at_path is not None and isinstance(row[at_path], NamedNode):
            path = f"<{row[at_path].value}>"  # type: ignore[union-attr]
        findings.append(
            Finding(
                focus=term_text(this),
                path=path,
                value=None if value is None else term_text(value),
                severity=check.severity,
                component=check.component,
                message=_message(check, result.variables, row),
                shape=check.shape,
            )
        )
    return findings


def validate_quads(
    data: Iterable[Quad | Triple],
    shapes: rdflib.Graph,
    compiled: CompiledShapes | None = None,
    focus: Sequence[NamedNode] | None = None,
) -> ValidationReport:
    """Validate ``data`` (graph names ignored: the union is validated) in a scratch store;
    with ``focus``, only the findings about those nodes are looked for (compiled shapes)."""
    from kg.store.embedded import EmbeddedStore

    store = EmbeddedStore()
    store.bulk_add(
        q if isinstance(q, Quad) else Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in data
    )
    return validate_store(store, shapes, compiled, focus)


def validate_store(
    store: Store,
    shapes: rdflib.Graph,
    compiled: CompiledShapes | None = None,
    focus: Sequence[NamedNode] | None = None,
) -> ValidationReport:
    """Validate everything in ``store`` against ``shapes``, in the engine where possible.

    With ``focus``, the compiled checks look only at those focus nodes (in batches); shapes
    left to pySHACL still validate everything.
    """
    plan = compiled if compiled is not None else compile_shapes(shapes)
    findings: set[Finding] = set()
    batches = (
        [None] if focus is None else [focus[i : i + FOCUS_BATCH] for i in range(0, len(focus), FOCUS_BATCH)]
    )
    classes = hierarchy(store) if plan.checks else None
    for check in plan.checks:
        for batch in batches:
            findings.update(run_check(store, check, batch, classes))
    note = None
    if plan.fallback:
        findings.update(run_shacl(store.facts(), plan.fallback_shapes()))
        reasons = "; ".join(f"{shape} ({why})" for shape, why in sorted(plan.fallback.items()))
        note = f"Validated by pySHACL instead of the fast path: {reasons}."
    return ValidationReport(findings=sorted(findings, key=sort_key), fallback_note=note)


__all__ = ["CompiledShapes", "compile_shapes", "run_check", "term_text", "validate_quads", "validate_store"]
