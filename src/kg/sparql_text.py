"""SPARQL as text: the one place that reads a query's words without running it.

The engine parses queries; ``kg`` needs a few facts about a query *before* it reaches an engine:
where its prologue ends, which form it is (``SELECT``, ``CONSTRUCT``, ``ASK``, ``DESCRIBE`` or an
update), which prefixes it declares, and where its outermost ``WHERE`` group opens (parameters are
bound there, as a ``VALUES`` block). These come from a lexer that knows SPARQL's tokens: comments,
the four string forms, IRIs (told apart from ``<`` as an operator), prefixed names with escaped
local names (``kgr:a\\#b``), variables and braces. Nothing here is a security decision: what a
query may do is decided by the engine and, on the server, by a full parser.

>>> text = 'PREFIX ex: <http://example.com/> # a comment with { brace\\nSELECT ?x WHERE { ?x ?p "}" }'
>>> query_form(text), declared_prefixes(text)
('SELECT', {'ex': 'http://example.com/'})
>>> text[where_position(text):]
' ?x ?p "}" }'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.errors import QuerySyntaxError

QUERY_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")

# SPARQL's PN_CHARS classes, as Python's Unicode classes give them closely enough to tell
# tokens apart (letters; letters and "_"; word characters, "-" and the combining marks)
_PN_CHARS_BASE = r"^\W\d_"
_PN_CHARS = r"\w\-\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = f"(?:[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)?"
_PN_LOCAL = f"(?:(?:[\\w:]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?)?"

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<comment>\#[^\n]*)
      | (?P<string>'''(?:[^\\]|\\.)*?'''|\"\"\"(?:[^\\]|\\.)*?\"\"\"
                  |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\ufffd]+)
      | (?P<pname>"""
    + _PN_PREFIX
    + ":"
    + _PN_LOCAL
    + r""")
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<open>\{) | (?P<close>\})
      | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int


def tokens(sparql: str) -> Iterator[Token]:
    """The tokens of ``sparql``, whitespace and comments left out."""
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup or "other"
        if kind in ("space", "comment"):
            continue
        yield Token(kind, match.group(), match.start(), match.end())


@dataclass(frozen=True)
class Prologue:
    """What a query's prologue says: where it ends, its base and its prefixes."""

    end: int
    base: str | None
    prefixes: dict[str, str]


@functools.lru_cache(maxsize=512)
def prologue(sparql: str) -> Prologue:
    """The ``BASE``/``PREFIX`` declarations at the head of ``sparql``."""
    base: str | None = None
    prefixes: dict[str, str] = {}
    end = 0
    stream = tokens(sparql)
    for token in stream:
        word = token.text.upper() if token.kind == "word" else ""
        if word == "BASE":
            iri = next(stream, None)
            if iri is None or iri.kind != "iri":
                break
            base, end = iri.text[1:-1], iri.end
        elif word == "PREFIX":
            name, iri = next(stream, None), next(stream, None)
            if (
                name is None
                or iri is None
                or name.kind != "pname"
                or iri.kind != "iri"
                or not name.text.endswith(":")
            ):
                break
            prefixes[name.text[:-1]] = iri.text[1:-1]
            end = iri.end
        else:
            break
    return Prologue(end, base, prefixes)


def declared_prefixes(sparql: str) -> dict[str, str]:
    return dict(prologue(sparql).prefixes)


@functools.lru_cache(maxsize=512)
def query_form(sparql: str) -> str:
    """``SELECT``, ``CONSTRUCT``, ``ASK``, ``DESCRIBE``, ``UPDATE``, or ``""`` if the first word
    after the prologue is none of them."""
    start = prologue(sparql).end
    for token in tokens(sparql[start:]):
        word = token.text.upper() if token.kind == "word" else ""
        if word in QUERY_FORMS:
            return word
        if word in UPDATE_WORDS:
            return "UPDATE"
        return ""
    return ""


def is_update(sparql: str) -> bool:
    """Whether ``sparql`` is a SPARQL Update request rather than a query."""
    return query_form(sparql) == "UPDATE"


@functools.lru_cache(maxsize=512)
def where_span(sparql: str) -> tuple[int, int]:
    """Where the outermost ``WHERE`` group's content starts (just after its ``{``) and ends
    (at its ``}``)."""
    depth = 0
    seen_where = False
    form = None
    first_open: int | None = None
    start: int | None = None
    for token in tokens(sparql):
        if token.kind == "word" and depth == 0:
            word = token.text.upper()
            if form is None and word in QUERY_FORMS:
                form = word
            elif word == "WHERE":
                seen_where = True
        elif token.kind == "open":
            if depth == 0 and start is None:
                if seen_where:
                    start = token.end
                elif first_open is None and form in ("SELECT", "ASK", "DESCRIBE"):
                    first_open = token.end
            depth += 1
        elif token.kind == "close":
            depth -= 1
            if depth == 0:
                opened = start if start is not None else first_open
                if opened is not None and (start is not None or not seen_where):
                    return opened, token.start
    raise QuerySyntaxError("the query has no WHERE group")


def where_position(sparql: str) -> int:
    """The index just after the ``{`` that opens the outermost ``WHERE`` group."""
    try:
        return where_span(sparql)[0]
    except QuerySyntaxError:
        raise QuerySyntaxError("cannot bind parameters: the query has no WHERE group") from None


def names_dataset(sparql: str) -> bool:
    """Whether the query chooses its own dataset (``FROM``, ``FROM NAMED``)."""
    depth = 0
    for token in tokens(sparql):
        if token.kind == "open":
            depth += 1
        elif token.kind == "close":
            depth -= 1
        elif token.kind == "word" and depth == 0 and token.text.upper() == "FROM":
            return True
    return False


def with_prologue(sparql: str, prefixes: dict[str, str]) -> tuple[str, int]:
    """``sparql`` with ``PREFIX`` lines for the ``prefixes`` it uses but does not declare, and
    how many lines were put in front (to correct the line numbers of syntax errors)."""
    declared = prologue(sparql).prefixes
    used = {t.text.split(":", 1)[0] for t in tokens(sparql) if t.kind == "pname"}
    missing = [name for name in prefixes if name in used and name not in declared]
    if not missing:
        return sparql, 0
    head = "".join(f"PREFIX {name}: <{prefixes[name]}>\n" for name in missing)
    return head + sparql, len(missing)


__all__ = [
    "Prologue",
    "Token",
    "declared_prefixes",
    "is_update",
    "names_dataset",
    "prologue",
    "query_form",
    "tokens",
    "where_position",
    "where_span",
    "with_prologue",
]
