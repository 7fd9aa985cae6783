"""Validation reports: findings, grouped for people, as JSON for programs, as ``sh:ValidationReport``.

The JSON schema (``kg validate --format json``)::

    {
      "conforms": true | false,          # no finding at or above the --fail-on severity
      "standalone": false,               # validated alone, or in the context of the graph
      "counts": {"Violation": 0, "Warning": 2, "Info": 0},
      "findings": [
        {"focus": IRI or "_:label", "label": str | null, "path": str | null,
         "value": str | null, "severity": "Violation" | "Warning" | "Info",
         "component": IRI, "shape": IRI or "_:label", "message": str}
      ]
    }
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

from kg.canonical import canonical_turtle
from kg.namespaces import RDF, SH, shorten
from kg.terms import BlankNode, Literal, NamedNode, Term, Triple

SEVERITIES = ("Violation", "Warning", "Info")
_RANK = {"Violation": 3, "Warning": 2, "Info": 1}


@dataclass(frozen=True)
class Finding:
    """One validation result."""

    focus: str
    path: str | None
    value: str | None
    severity: str
    component: str
    message: str
    shape: str
    label: str | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[str, str, str, str, str, str, str]:
        """A total order over findings (``None`` sorts first)."""
        return (
            self.focus,
            self.path or "",
            self.value or "",
            self.component,
            self.severity,
            self.shape,
            self.message,
        )

    def key(self) -> tuple[str, str | None, str | None, str, str, str]:
        """Identity of a finding regardless of wording (for comparing validators)."""
        return (self.focus, self.path, self.value, self.component, self.severity, self.shape)

    @property
    def component_name(self) -> str:
        return self.component.rsplit("#", 1)[-1]


@dataclass(repr=False)
class ValidationReport:
    """The findings of one validation, and whether they let the data in."""

    findings: list[Finding]
    standalone: bool = False
    fail_on: str = "Violation"
    fallback_note: str | None = None

    @property
    def conforms(self) -> bool:
        threshold = _RANK[self.fail_on]
        return not any(_RANK[f.severity] >= threshold for f in self.findings)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(SEVERITIES, 0)
        for finding in self.findings:
            out[finding.severity] += 1
        return out

    def by_entity(self) -> dict[str, list[Finding]]:
        groups: dict[str, list[Finding]] = defaultdict(list)
        for finding in sorted(
            self.findings, key=lambda f: (f.focus, -_RANK[f.severity], f.path or "", f.message)
        ):
            groups[finding.focus].append(finding)
        return dict(groups)

    def to_json(self) -> str:
        doc = {
            "conforms": self.conforms,
            "standalone": self.standalone,
            "counts": self.counts(),
            "findings": [
                {
                    "focus": f.focus,
                    "label": f.label,
                    "path": f.path,
                    "value": f.value,
                    "severity": f.severity,
                    "component": f.component,
                    "shape": f.shape,
                    "message": f.message,
                }
                for f in sorted(self.findings, key=Finding.sort_key)
            ],
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"

    def to_turtle(self) -> str:
        """The standard ``sh:ValidationReport`` in canonical Turtle."""
        sh = SH
        report = BlankNode("report")
        triples = [
            Triple(report, NamedNode(RDF + "type"), NamedNode(sh + "ValidationReport")),
            Triple(
                report,
                NamedNode(sh + "conforms"),
                Literal(
                    "true" if self.conforms else "false",
                    datatype=NamedNode("http://www.w3.org/2001/XMLSchema#boolean"),
                ),
            ),
        ]
        for index, f in enumerate(sorted(self.findings, key=Finding.sort_key)):
            node = BlankNode(f"r{index}")
            triples += [
                Triple(report, NamedNode(sh + "result"), node),
                Triple(node, NamedNode(RDF + "type"), NamedNode(sh + "ValidationResult")),
                Triple(node, NamedNode(sh + "focusNode"), _node(f.focus)),
                Triple(node, NamedNode(sh + "resultSeverity"), NamedNode(sh + f.severity)),
                Triple(node, NamedNode(sh + "sourceConstraintComponent"), NamedNode(f.component)),
                Triple(node, NamedNode(sh + "sourceShape"), _node(f.shape)),
                Triple(node, NamedNode(sh + "resultMessage"), Literal(f.message)),
            ]
            if f.path:
                path = f.path
                triples.append(
                    Triple(
                        node,
                        NamedNode(sh + "resultPath"),
                        NamedNode(path[1:-1])
                        if path.startswith("<") and path.endswith(">")
                        else Literal(path),
                    )
                )
            if f.value is not None:
                triples.append(Triple(node, NamedNode(sh + "value"), Literal(f.value)))
        return canonical_turtle(triples)

    def to_text(self) -> str:
        """The report for people: findings grouped by entity, with its label."""
        counts = self.counts()
        scope = "alone" if self.standalone else "in the context of the graph"
        if not self.findings:
            return f"Conforms ({scope}): no findings.\n"
        lines = []
        for focus, findings in self.by_entity().items():
            label = findings[0].label
            lines.append(f"{label} {_curie(focus)}" if label else _curie(focus))
            for f in findings:
                where = f" {_IRI_IN_PATH.sub(lambda m: _curie(m.group(1)), f.path)}" if f.path else ""
                value = f" = {shorten(f.value)}" if f.value is not None else ""
                lines.append(f"  {f.severity}:{where}{value}: {f.message}")
            lines.append("")
        verdict = "Conforms" if self.conforms else "Does not conform"
        summary = (
            f"{verdict} ({scope}): {counts['Violation']} violation(s), "
            f"{counts['Warning']} warning(s), {counts['Info']} info."
        )
        if self.fallback_note:
            summary += f"\n{self.fallback_note}"
        return "\n".join(lines) + summary + "\n"

    def summary(self) -> str:
        """One line: the verdict, the scope and the counts."""
        counts = self.counts()
        verdict = "conforms" if self.conforms else "does not conform"
        scope = "alone" if self.standalone else "in the context of the graph"
        return (
            f"{verdict} ({scope}): {counts['Violation']} violation(s), {counts['Warning']} "
            f"warning(s), {counts['Info']} info"
        )

    def __repr__(self) -> str:
        return f"<ValidationReport: {self.summary()}>"

    def _repr_html_(self) -> str:
        """The report as a notebook shows it: the verdict, then one row per finding."""
        from html import escape

        from kg.display import html_table

        rows = [
            (
                f"{f.label} {_curie(f.focus)}" if f.label else _curie(f.focus),
                f.severity,
                _IRI_IN_PATH.sub(lambda m: _curie(m.group(1)), f.path or ""),
                "" if f.value is None else shorten(f.value),
                f.message,
            )
            for f in sorted(self.findings, key=Finding.sort_key)
        ]
        verdict = f"<p><strong>{escape(self.summary().capitalize())}</strong></p>"
        if not rows:
            return verdict
        return verdict + html_table(["focus", "severity", "path", "value", "message"], rows)


_IRI_IN_PATH = re.compile(r"<([^<>\s]*)>")


def _curie(iri: str) -> str:
    """A CURIE for ``iri`` where a project prefix covers it, else ``<iri>`` (a blank node as is)."""
    if iri.startswith("_:"):
        return iri
    short = shorten(iri)
    return short if short != iri else f"<{iri}>"


def _node(text: str) -> Term:
    if text.startswith("_:"):
        return BlankNode(text[2:])
    return NamedNode(text)
