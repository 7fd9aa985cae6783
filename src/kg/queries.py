"""Named queries: ``queries/*.rq`` files with a comment header, and safe parameter binding.

A header is comment lines at the top of the file::

    # title: Sites the mission visited
    # description: One row per real site, with its English name and type.
    # param: mission iri default=kgr:business-mission-belarus — The business mission.
    # param: lang string optional — Only labels in this language.

A parameter is the SPARQL variable of the same name. Its value is parsed as an RDF term of the
declared type and handed to the engine as a binding (SEP-0007 substitution on the embedded
store): a value is never pasted into the query text, so it cannot change the query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ParameterError, UnknownQueryError
from kg.namespaces import PREFIXES, XSD, expand_curie
from kg.terms import Literal, NamedNode, Term

PARAM_TYPES = ("iri", "string", "langstring", "integer", "decimal", "date", "boolean", "term")

_HEADER = re.compile(r"^#\s*(title|description|param):\s*(.*?)\s*$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\w+)\s+"
    r"(?P<mode>required|optional|default=(?P<default>\S+))\s*(?:[—–-]+\s*(?P<doc>.*))?$"
)
_TYPED_LITERAL = re.compile(
    r'^"(?P<lex>(?:[^"\\]|\\.)*)"(?:@(?P<lang>[A-Za-z]+(?:-[A-Za-z0-9]+)*)'
    r"|\^\^(?P<dt><[^>]*>|[A-Za-z][\w.-]*:[\w.-]*))?$",
    re.DOTALL,
)
_LANG_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_CHECKS = {
    "integer": re.compile(r"^[+-]?[0-9]+$"),
    "decimal": re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"),
    "date": re.compile(r"^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(Z|[+-][0-9]{2}:[0-9]{2})?$"),
    "boolean": re.compile(r"^(true|false|1|0)$"),
}


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a named query."""

    name: str
    type: str
    required: bool
    default: str | None = None
    description: str = ""

    def signature(self) -> str:
        if self.required:
            return f"{self.name}: {self.type}"
        if self.default is not None:
            return f"{self.name}: {self.type} = {self.default}"
        return f"{self.name}: {self.type}?"


@dataclass(frozen=True)
class NamedQuery:
    """A query file with its title, description and parameters."""

    name: str
    path: Path
    text: str
    title: str = ""
    description: str = ""
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)

    def bindings(self, values: Mapping[str, str | Term] | None = None) -> dict[str, Term]:
        """The typed bindings for ``values``, defaults filled in; unknown or missing → error."""
        values = dict(values or {})
        declared = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            names = ", ".join(declared) or "none"
            raise ParameterError(
                f"query {self.name!r} has no parameter {unknown[0]!r} (its parameters: {names})"
            )
        out: dict[str, Term] = {}
        for param in self.parameters:
            if param.name in values:
                out[param.name] = parse_value(values[param.name], param.type, param.name)
            elif param.default is not None:
                out[param.name] = parse_value(param.default, param.type, param.name)
            elif param.required:
                about = f"{param.type}: {param.description or 'no description'}"
                raise ParameterError(
                    f"query {self.name!r} needs a value for its parameter {param.name!r} ({about})",
                    cli=f"query {self.name!r} needs --param {param.name}=VALUE ({about})",
                )
        return out


def parse_header(text: str) -> tuple[str, str, tuple[Parameter, ...]]:
    """The title, description and parameters from a query's leading comment lines."""
    title = description = ""
    params: list[Parameter] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER.match(stripped)
        if not match:
            continue
        key, value = match.groups()
        if key == "title":
            title = value
        elif key == "description":
            description = value
        else:
            param = _PARAM.match(value)
            if not param or param.group("type") not in PARAM_TYPES:
                raise ParameterError(f"malformed parameter declaration: {value!r}")
            params.append(
                Parameter(
                    name=param.group("name"),
                    type=param.group("type"),
                    required=param.group("mode") == "required",
                    default=param.group("default"),
                    description=(param.group("doc") or "").strip(),
                )
            )
    return title, description, tuple(params)


def load_query(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    title, description, params = parse_header(text)
    return NamedQuery(
        name=path.stem,
        path=path,
        text=text,
        title=title or path.stem,
        description=description,
        parameters=params,
    )


def discover(folder: Path) -> dict[str, NamedQuery]:
    """The named queries in ``folder``, by name, sorted."""
    if not folder.is_dir():
        return {}
    return {p.stem: load_query(p) for p in sorted(folder.glob("*.rq"))}


def find(queries: Mapping[str, NamedQuery], name: str) -> NamedQuery:
    try:
        return queries[name]
    except KeyError:
        close = [n for n in queries if name.lower() in n or n in name.lower()]
        hint = f"; did you mean {close[0]!r}?" if close else "; `kg queries` lists them"
        raise UnknownQueryError(f"no named query {name!r}{hint}") from None


def _iri(text: str, name: str) -> NamedNode:
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    else:
        expanded = expand_curie(text, PREFIXES)
        if expanded is not None:
            text = expanded
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", text):
        raise ParameterError(f"parameter {name!r}: {text!r} is not an IRI or a known CURIE")
    try:
        return NamedNode(text)
    except ValueError as error:
        raise ParameterError(f"parameter {name!r}: {text!r} is not an IRI ({error})") from None


def _lang_literal(lexical: str, language: str, name: str) -> Literal:
    try:
        return Literal(lexical, language=language.lower())
    except ValueError as error:
        raise ParameterError(f"parameter {name!r}: {language!r} is not a language tag ({error})") from None


def _unescape(lexical: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), lexical)


def parse_value(value: str | Term, kind: str, name: str = "value") -> Term:
    """An RDF term from a command-line value of a declared type.

    >>> parse_value("kgr:actp-rf", "iri").value
    'https://kg.example.org/id/actp-rf'
    >>> parse_value('"Минск"@ru', "langstring").language
    'ru'
    >>> parse_value("3", "integer").datatype.value
    'http://www.w3.org/2001/XMLSchema#integer'
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if kind == "iri":
        return _iri(text, name)
    literal = _TYPED_LITERAL.match(text)
    if literal:
        lexical = _unescape(literal.group("lex"))
        if literal.group("lang"):
            return _lang_literal(lexical, literal.group("lang"), name)
        if literal.group("dt"):
            datatype = _iri(literal.group("dt"), name)
            check = _CHECKS.get(datatype.value.removeprefix(XSD))
            if check and not check.match(lexical):
                raise ParameterError(
                    f"parameter {name!r}: {lexical!r} is not a valid {datatype.value.removeprefix(XSD)}"
                )
            return Literal(lexical, datatype=datatype)
        text = lexical
        if kind in ("string", "term"):
            return Literal(text)
    if kind == "term":
        if text.startswith("<") or expand_curie(text, PREFIXES):
            return _iri(text, name)
        return Literal(text)
    if kind == "string":
        return Literal(text)
    if kind == "langstring":
        body, at, lang = text.rpartition("@")
        if not at or not _LANG_TAG.match(lang):
            raise ParameterError(
                f"parameter {name!r}: give a language-tagged string such as '\"Minsk\"@en' (got {value!r})"
            )
        return _lang_literal(body, lang, name)
    check = _CHECKS.get(kind)
    if check is None:
        raise ParameterError(f"parameter {name!r}: unknown type {kind!r}")
    if not check.match(text):
        raise ParameterError(f"parameter {name!r}: {value!r} is not a valid {kind}")
    return Literal(text, datatype=NamedNode(XSD + kind))
