"""SHACL-SPARQL constraints (``sh:sparql`` with ``sh:select``) as checks.

The constraint's ``SELECT`` runs with the shape's targets put in front of its ``WHERE`` group,
so that ``?this`` ranges over the focus nodes; ``$this``, ``$value`` and the other pre-bound
variables become ordinary variables, and ``$PATH`` the shape's path. The query is read with the
SPARQL lexer (:mod:`kg.sparql_text`); what it reads, with rdflib's parser (:mod:`kg.validate.reads`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import rdflib
from rdflib.namespace import SH

from kg.errors import QuerySyntaxError
from kg.sparql_text import prologue, tokens, where_span
from kg.validate import paths
from kg.validate.checks import ANYTHING, FOCUS_SLOT, Check, Node, Targets, is_true, sh
from kg.validate.conditions import NotCompilable
from kg.validate.paths import Step
from kg.validate.patterns import Patterns
from kg.validate.shacl import render_path


def sparql_check(
    patterns: Patterns,
    shape: Node,
    constraint: Node,
    targets: Targets,
    path_node: Node | None,
    severity: str,
    shape_text: str,
) -> Check:
    """The check of one SPARQL constraint of ``shape``."""
    g = patterns.shapes
    if any(is_true(v) for v in g.objects(constraint, SH.deactivated)):
        raise NotCompilable("deactivated SPARQL constraint")  # rare: leave it to pySHACL
    select = g.value(constraint, SH.select)
    if select is None:
        raise NotCompilable("SPARQL constraint without sh:select")
    path = None if path_node is None else paths.text(patterns.path_tree(path_node))
    text = _prebound(str(select), path)
    head, body = _split(text)
    declared = prefixes(g, constraint)
    query = declared + f"{head} {FOCUS_SLOT}{{ {targets.pattern} }} {body}"
    messages = tuple(sorted(str(m) for m in g.objects(constraint, SH.message))) or tuple(
        sorted(str(m) for m in g.objects(shape, SH.message))
    )
    return Check(
        shape=shape_text,
        component=sh("SPARQLConstraintComponent"),
        severity=severity,
        path=render_path(g, path_node),
        messages=messages,
        query=query,
        has_value=True,
        reads=(*targets.reads, *constraint_reads(declared + text)),
        listed=targets.listed,
    )


def _prebound(text: str, path: str | None) -> str:
    """``$this`` and the other pre-bound variables as ``?`` variables, ``$PATH`` as ``path``."""
    out, last = [], 0
    for token in tokens(text):
        if token.kind != "var" or not token.text.startswith("$"):
            continue
        if token.text == "$currentShape" or token.text == "$shapesGraph":
            raise NotCompilable(f"SPARQL constraint uses {token.text}")
        if token.text == "$PATH":
            if path is None:
                raise NotCompilable("$PATH in a constraint of a shape without a path")
            replacement = path
        else:
            replacement = "?" + token.text[1:]
        out += [text[last : token.start], replacement]
        last = token.end
    return "".join(out) + text[last:]


def _split(text: str) -> tuple[str, str]:
    """The text up to and including the ``{`` of the outermost ``WHERE`` group (with ``?this``
    projected), and the rest."""
    try:
        start, _ = where_span(text)
    except QuerySyntaxError:
        raise NotCompilable("SPARQL constraint without a WHERE clause") from None
    head, body = text[:start], text[start:]
    words = list(tokens(head[prologue(head).end :]))
    if not words or words[0].text.upper() != "SELECT":
        raise NotCompilable("not a SELECT")
    projected = {t.text for t in words}
    if "*" not in projected and "?this" not in projected:
        at = prologue(head).end + words[0].end
        head = head[:at] + " ?this" + head[at:]
    return head, body


def prefixes(g: rdflib.Graph, constraint: Node) -> str:
    """The ``PREFIX`` lines the constraint's ``sh:prefixes`` declare."""
    lines = []
    for ontology in g.objects(constraint, SH.prefixes):
        for decl in g.objects(ontology, SH.declare):
            prefix, namespace = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(set(lines)))


def constraint_reads(sparql: str) -> tuple[Step, ...]:
    """What a SPARQL constraint reads; when it cannot be analysed, anything. Remembered by
    :mod:`kg.cache` (rdflib's SPARQL parser takes about 20 ms a constraint)."""
    from kg.cache import cached

    here = Path(__file__).parent
    found: list[list[Any]] = cached(
        "constraint-reads",
        sparql,
        lambda: [[s.prefix, s.predicate, s.forward, s.pair, s.same_end] for s in _analysed_reads(sparql)],
        _is_steps,
        code=(here / "reads.py", here / "paths.py"),
    )
    return tuple(
        Step(prefix, predicate, forward, pair, same_end)
        for prefix, predicate, forward, pair, same_end in found
    )


def _is_steps(value: object) -> bool:
    """Whether a remembered value is a list of steps (prefix, predicate, forward, pair,
    same end)."""
    return isinstance(value, list) and all(
        isinstance(s, list)
        and len(s) == 5
        and all(isinstance(x, str | None) for x in (s[0], s[1], s[3]))
        and isinstance(s[2], bool)
        and isinstance(s[4], bool)
        for s in value
    )


def _analysed_reads(sparql: str) -> tuple[Step, ...]:
    from kg.validate.reads import query_steps

    try:
        return tuple(dict.fromkeys(query_steps(sparql)))
    except Exception:  # any parse failure: the check then runs whole after every change
        return (ANYTHING,)


__all__ = ["constraint_reads", "prefixes", "sparql_check"]
