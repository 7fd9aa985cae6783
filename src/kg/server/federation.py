"""``SERVICE`` and ``LOAD``, found by a SPARQL parser: the two operations that make the engine
fetch a URL, refused unless the server was started with ``--allow-service``.

The request is parsed with rdflib's SPARQL 1.1 grammar (``rdflib.plugins.sparql.parser``),
after the same ``\\u``/``\\U`` escape processing the standard prescribes, and the parse tree
is searched for ``ServiceGraphPattern`` and ``Load`` nodes: prefixed names, escapes, comments,
nested subqueries, variables bound by ``BIND``/``VALUES`` and relative IRIs resolved against
``BASE`` are all seen as the engine sees them. It fails closed: a request the parser cannot
read is refused with its message, even when the engine could have run it. Text that, once its
escapes are processed, does not spell ``service`` or ``load`` in any case cannot hold either
keyword, and is not parsed (the parser is slow, about 20 ms for a named query).

The check runs inside a query worker, under ``--timeout``: a pathological request cannot hold
the event loop. Below it, the workers themselves cannot open a connection where the platform
allows it (:mod:`kg.store.confine`).
"""

from __future__ import annotations

import functools
import re
from typing import Final, Literal

from kg.errors import QuerySyntaxError, RemoteAccessRefused

Kind = Literal["query", "update"]

_ESCAPE: Final = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_FETCHING: Final = {"ServiceGraphPattern": "SERVICE", "Load": "LOAD"}


def _unescaped(text: str) -> str:
    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else "\ufffd"

    return _ESCAPE.sub(char, text)


def _may_fetch(text: str) -> bool:
    """Whether ``text`` could hold the keyword SERVICE or LOAD (an over-approximation)."""
    expanded = _unescaped(text)
    return any(
        word in folded for folded in (expanded.lower(), expanded.casefold()) for word in ("service", "load")
    )


def _fetching_operations(tree: object) -> list[str]:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    found: list[str] = []
    stack: list[object] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name in _FETCHING:
                found.append(_FETCHING[node.name])
            stack.extend(node.values())
        elif isinstance(node, ParseResults | list | tuple):
            stack.extend(node)
    return found


@functools.lru_cache(maxsize=512)
def _verdict(text: str, kind: Kind) -> tuple[str, ...] | tuple[str, str, int, int]:
    """("ok", operations...) or ("error", message, line, column); pure, so remembered."""
    if not _may_fetch(text):
        return ("ok",)
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(text) if kind == "query" else parseUpdate(text)
    except ParseBaseException as error:
        return ("error", str(error.msg), int(error.lineno), int(error.col))
    except RecursionError:
        return ("error", "nested too deeply to be checked", 1, 1)
    except Exception as error:  # the parser's own failures refuse too: fail closed
        return ("error", f"{type(error).__name__}: {error}", 1, 1)
    return ("ok", *_fetching_operations(tree))


def preload() -> None:
    """Import the parser now (it takes a while), so that forked workers inherit it."""
    import rdflib.plugins.sparql.parser  # noqa: F401


def refuse_remote(text: str, kind: Kind, allowed: bool) -> None:
    """Raise :class:`~kg.errors.RemoteAccessRefused` if ``text`` holds ``SERVICE`` or
    ``LOAD`` and ``allowed`` is false, :class:`~kg.errors.QuerySyntaxError` if it cannot be
    checked.

    >>> refuse_remote("SELECT * WHERE { ?s ?p 'a SERVICE' }", "query", allowed=False)
    >>> refuse_remote("PREFIX : <http://127.0.0.1:9/> SELECT * { SERVICE:x { ?s ?p ?o } }",
    ...               "query", allowed=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.errors.RemoteAccessRefused: SERVICE is disabled on this server: it would make ...
    """
    if allowed:
        return
    verdict = _verdict(text, kind)
    if verdict[0] == "error":
        _, message, line, column = verdict
        raise QuerySyntaxError(
            f"the {kind} could not be checked for SERVICE and LOAD, so it is refused: {message}",
            line=int(line),
            column=int(column),
        )
    if len(verdict) > 1:
        raise RemoteAccessRefused(
            f"{verdict[1]} is disabled on this server: it would make the server fetch other URLs "
            "(start it with --allow-service)"
        )
