"""A query's graph patterns read as tokens, for sending an engine an equivalent query.

An engine that evaluates some shapes of query wrongly (Virtuoso 7: see :mod:`kg.store.virtuoso`)
can be sent the same question in shapes it gets right. This module finds those shapes with the
lexer of :mod:`kg.sparql_text`, and says where they are in the text. It reads a query the way
the SPARQL grammar does, but only as far as it must: whatever it does not follow (a keyword out
of place, a brace inside an expression, a form it does not know) makes it give up, and the
query is then sent as written. It never decides what a query may do.

It finds two things:

- **closures**: a triple ``subject path object`` whose path is ``step*`` or ``step+``, where a
  step is an IRI, an inverse ``^IRI`` or an alternative of those in parentheses, optionally
  after one forward step (``a/rdfs:subClassOf*``); the subject and object each a variable or an
  IRI, alone in their statement's part (no ``,`` lists, no blank node brackets);
- **boolean bindings**: ``(expression AS ?v)`` in a ``BIND`` or a projection whose value is a
  boolean by its form (a comparison, ``&&``, ``||``, ``!``, ``IN``, ``EXISTS``, a test such as
  ``BOUND`` or ``isIRI``, ``true``).

>>> reading = read('SELECT ?s WHERE { ?s a/rdfs:subClassOf* <http://e.org/C> ; <http://e.org/p> 1 }',
...                {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"})
>>> [pair.closure.first for s in reading.statements for pair in s.pairs if pair.closure]
['http://www.w3.org/1999/02/22-rdf-syntax-ns#type']
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from kg.sparql_text import Token, prologue, tokens

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_PATTERN_WORDS = frozenset({"OPTIONAL", "MINUS", "GRAPH", "SERVICE", "FILTER", "BIND", "VALUES", "UNION"})
_BOOLEAN_CALLS = frozenset(
    {
        "BOUND",
        "ISIRI",
        "ISURI",
        "ISBLANK",
        "ISLITERAL",
        "ISNUMERIC",
        "REGEX",
        "SAMETERM",
        "LANGMATCHES",
        "CONTAINS",
        "STRSTARTS",
        "STRENDS",
    }
)
_ARITHMETIC = frozenset({"+", "-", "*", "/"})


class _Unreadable(Exception):
    """The query has something this reading does not follow."""


@dataclass(frozen=True)
class Step:
    """One step of a path: a predicate, followed forwards or (``^``) backwards."""

    iri: str
    inverse: bool = False


@dataclass(frozen=True)
class Closure:
    """``subject [first/](steps)* object`` (or ``+``). An end is ``?name`` or an IRI."""

    subject: str
    object: str
    steps: tuple[Step, ...]
    at_least_one: bool
    first: str | None
    """The IRI of a forward step taken before the closure (``rdf:type`` in ``a/rdfs:subClassOf*``)."""
    parameters: bool
    """Whether a variable bound for the whole query (a parameter, bound first in its ``WHERE``)
    may be taken to have that value here: where this pattern's solutions with another value
    can only be dropped by a join with the parameter's (the top group, its ``OPTIONAL`` parts,
    groups and ``UNION`` branches joined into those, the ``EXISTS`` of their filters), not kept
    by a negation (``MINUS``, an ``OPTIONAL`` nested deeper) or lost in a subquery."""
    in_exists: bool
    """Inside ``EXISTS`` or ``NOT EXISTS``, where the outer solution's values are substituted."""
    pinned: frozenset[str] = frozenset()
    """Its variable ends whose value, if they are parameters, must still be bound where the
    closure was: a parameter holds in a nested group only once that group is joined, and in an
    ``OPTIONAL`` part only for its filters (what else in the part mentions it sees what the part
    binds). Not in the top group (bound first) or an ``EXISTS`` (substituted)."""
    also_bound: frozenset[str] = frozenset()
    """Its variable ends that a plain triple pattern of the same group binds as well."""


@dataclass(frozen=True)
class Pair:
    """One ``verb object`` of a statement, as written; with its closure, if it is one."""

    text: str
    closure: Closure | None


@dataclass(frozen=True)
class Statement:
    """A statement (``subject verb object ; verb object .``) with at least one closure: where it
    is in the text (with its final ``.``, if any), its subject as written, and its parts."""

    start: int
    end: int
    subject: str
    pairs: tuple[Pair, ...]


@dataclass(frozen=True)
class Reading:
    statements: tuple[Statement, ...]
    booleans: tuple[tuple[int, int], ...]
    """Where each boolean expression bound to a variable starts and ends in the text."""
    filters: tuple[tuple[int, int], ...]
    """Where each filter (without ``EXISTS``) of an ``OPTIONAL`` part of the top group stands:
    its condition, evaluated where the parameters have their values."""
    variables: frozenset[str]
    """Every variable name the query mentions (to choose new ones that clash with none)."""


def read(sparql: str, prefixes: Mapping[str, str] | None = None) -> Reading | None:
    """What :func:`read` finds in ``sparql`` (``prefixes``: those it may use undeclared), or
    ``None`` if it does not follow the query."""
    try:
        return _Reader(sparql, prefixes or {}).query()
    except _Unreadable:
        return None


class _Reader:
    def __init__(self, sparql: str, prefixes: Mapping[str, str]) -> None:
        self.text = sparql
        head = prologue(sparql)
        self.prefixes = {**prefixes, **head.prefixes}
        self.toks = [t for t in tokens(sparql) if t.start >= head.end]
        self.i = 0
        self.statements: list[Statement] = []
        self.groups: list[_Frame] = []
        self.booleans: list[tuple[int, int]] = []
        self.filters: list[tuple[int, int]] = []

    # -- tokens ------------------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> Token | None:
        index = self.i + ahead
        return self.toks[index] if index < len(self.toks) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise _Unreadable
        self.i += 1
        return token

    def word(self, ahead: int = 0) -> str:
        token = self.peek(ahead)
        return token.text.upper() if token is not None and token.kind == "word" else ""

    def expect_open(self) -> None:
        if self.take().kind != "open":
            raise _Unreadable

    # -- the query ---------------------------------------------------------------------------
    def query(self) -> Reading:
        for token, after in itertools.pairwise(self.toks):
            if token.kind == "word" and token.text.upper() in ("DISTINCT", "REDUCED") and after.text == "*":
                raise _Unreadable  # a new variable would change which solutions are distinct
        form = self.word()
        if form not in _FORMS:
            raise _Unreadable
        self.i += 1
        if form == "SELECT":
            self.projection()
        elif form == "CONSTRUCT":
            if self.word() == "WHERE":
                raise _Unreadable  # CONSTRUCT WHERE: the pattern is also the template
            self.expect_open()
            self.skip_braces()
        elif form == "DESCRIBE":
            while self.peek() is not None and self.word() != "WHERE" and self.peek().kind != "open":  # type: ignore[union-attr]
                if self.take().text == "*":
                    raise _Unreadable
        if self.word() == "FROM":
            raise _Unreadable
        if self.word() == "WHERE":
            self.i += 1
        if self.peek() is not None:
            self.expect_open()
            self.group("top", parameters=True, rewrite=True, in_exists=False)
        names = frozenset(t.text[1:] for t in tokens(self.text) if t.kind == "var")
        return Reading(tuple(self.statements), tuple(self.booleans), tuple(self.filters), names)

    def projection(self) -> None:
        if self.word() in ("DISTINCT", "REDUCED"):
            self.i += 1
        while (
            (token := self.peek()) is not None
            and token.kind != "open"
            and self.word() not in ("WHERE", "FROM")
        ):
            if token.text == "(":
                self.parens(bound=True, parameters=False, rewrite=True)
            else:
                self.i += 1

    def skip_braces(self) -> None:
        """Past the ``}`` that closes the brace just taken (a template or a data block)."""
        depth = 1
        while depth:
            token = self.take()
            depth += (token.kind == "open") - (token.kind == "close")

    # -- group graph patterns ----------------------------------------------------------------
    def group(self, kind: str, *, parameters: bool, rewrite: bool, in_exists: bool) -> None:
        """A group, from just after its ``{`` to just after its ``}``. ``parameters``: whether
        the values of the query's parameters hold here (see :attr:`Closure.parameters`)."""
        bound_before = parameters and kind in ("top", "exists")  # bound before all it holds
        frame = _Frame(kind, parameters, self.i)
        self.groups.append(frame)
        while True:
            token = self.peek()
            if token is None:
                raise _Unreadable
            word = self.word()
            if token.kind == "close":
                self.i += 1
                self.close_group()
                return
            if token.kind == "open":
                self.i += 1
                if self.word() == "SELECT":
                    self.subquery(rewrite)
                else:
                    self.group("plain", parameters=parameters, rewrite=rewrite, in_exists=in_exists)
            elif word in ("UNION", "MINUS"):
                self.i += 1
                self.expect_open()
                self.group(
                    "plain", parameters=parameters and word == "UNION", rewrite=rewrite, in_exists=in_exists
                )
            elif word == "OPTIONAL":
                self.i += 1
                self.expect_open()
                self.group("optional", parameters=bound_before, rewrite=rewrite, in_exists=in_exists)
            elif word in ("GRAPH", "SERVICE"):
                self.i += 1
                if self.word() == "SILENT":
                    self.i += 1
                if self.take().kind not in ("var", "iri", "pname"):
                    raise _Unreadable
                self.expect_open()  # another graph: its closures are another graph's
                self.group("graph", parameters=False, rewrite=False, in_exists=in_exists)
            elif word == "FILTER":
                self.i += 1
                holds = bound_before or (parameters and kind == "optional")
                began = self.i
                self.constraint(parameters=holds, rewrite=rewrite)
                frame.filters.append((began, self.i))
                if (
                    parameters
                    and kind == "optional"
                    and rewrite
                    and all(t.kind != "open" for t in self.toks[began : self.i])
                ):
                    self.filters.append((self.toks[began].start, self.toks[self.i - 1].end))
            elif word == "BIND":
                self.i += 1
                self.parens(bound=True, parameters=bound_before, rewrite=rewrite)
            elif word == "VALUES":
                self.i += 1
                while (data := self.take()).kind != "open":
                    if data.kind == "close":
                        raise _Unreadable
                self.skip_braces()
            elif token.text == ".":
                self.i += 1
            else:
                self.triples(parameters=parameters, rewrite=rewrite, in_exists=in_exists)

    def close_group(self) -> None:
        """Tell each closure of the group just read (its ``}`` just taken) which of its ends its
        plain triples bind, and which must stay bound (see :attr:`Closure.pinned`)."""
        frame = self.groups.pop()
        skipped = {i for a, b in frame.filters for i in range(a, b)}
        mentions = Counter(
            "?" + t.text[1:]
            for i, t in enumerate(self.toks[frame.start : self.i - 1], frame.start)
            if t.kind == "var" and i not in skipped
        )
        plain = {name for read in frame.statements for name in read.plain}
        for read in frame.statements:
            pairs = []
            for pair, own in zip(read.statement.pairs, read.own, strict=True):
                closure = pair.closure
                if closure is not None:
                    ends = {closure.subject, closure.object}
                    kept = {e for e in ends if frame.kind == "plain" or mentions[e] > own[e]}
                    pinned = kept if frame.parameters and frame.kind in ("plain", "optional") else set()
                    closure = replace(closure, also_bound=frozenset(ends & plain), pinned=frozenset(pinned))
                pairs.append(Pair(pair.text, closure))
            if any(p.closure for p in pairs):
                self.statements.append(replace(read.statement, pairs=tuple(pairs)))

    def subquery(self, rewrite: bool) -> None:
        """``{ SELECT ... WHERE { ... } modifiers }`` from its ``SELECT`` to past its ``}``."""
        self.i += 1
        self.projection()
        if self.word() == "WHERE":
            self.i += 1
        self.expect_open()
        self.group("subquery", parameters=False, rewrite=rewrite, in_exists=False)
        while (token := self.take()).kind != "close":
            if token.kind == "open":
                self.skip_braces()
            elif token.text == "(":
                self.i -= 1
                self.parens(bound=False, parameters=False, rewrite=False)

    def constraint(self, *, parameters: bool, rewrite: bool) -> None:
        token = self.peek()
        if token is None:
            raise _Unreadable
        if self.word() == "NOT" and self.word(1) == "EXISTS":
            self.i += 1
        if self.word() == "EXISTS":
            self.i += 1
            self.expect_open()
            self.group("exists", parameters=parameters, rewrite=rewrite, in_exists=True)
            return
        if token.kind in ("word", "pname", "iri"):
            self.i += 1  # a function's name; its arguments follow
        self.parens(bound=False, parameters=parameters, rewrite=rewrite)

    def parens(self, *, bound: bool, parameters: bool, rewrite: bool) -> None:
        """A bracketed expression, from its ``(`` to past its ``)``; ``EXISTS`` groups inside
        are read as groups. With ``bound``, it may end ``AS ?v``: a binding."""
        if self.take().text != "(":
            raise _Unreadable
        opened = self.i
        depth = 1
        top: list[Token] = []  # the expression's own tokens, nested parentheses as their "("
        as_at: int | None = None
        while depth:
            token = self.take()
            if token.kind in ("open", "close"):
                raise _Unreadable  # a brace not after EXISTS
            if depth == 1 and as_at is None and token.text != ")":
                top.append(token)
            if token.text == "(":
                depth += 1
            elif token.text == ")":
                depth -= 1
            elif token.kind == "word" and token.text.upper() == "EXISTS":
                self.expect_open()
                self.group("exists", parameters=parameters, rewrite=rewrite, in_exists=True)
            elif depth == 1 and token.kind == "word" and token.text.upper() == "AS":
                as_at = self.i - 1
                top.pop()
        if bound and as_at is not None and as_at > opened and _is_boolean(top):
            self.booleans.append((self.toks[opened].start, self.toks[as_at - 1].end))

    # -- triples -----------------------------------------------------------------------------
    def triples(self, *, parameters: bool, rewrite: bool, in_exists: bool) -> None:
        """A block of statements, up to (not including) what ends it."""
        began = self.i
        while True:
            statement: list[Token] = []
            depth = 0
            ended = False
            while (token := self.peek()) is not None:
                if depth == 0 and (
                    token.kind in ("open", "close")
                    or (self.word() in _PATTERN_WORDS and not _tagged(statement, token))
                ):
                    ended = True
                    break
                self.i += 1
                if token.text in ("(", "["):
                    depth += 1
                elif token.text in (")", "]"):
                    depth -= 1
                elif depth == 0 and token.text == "." and not self._in_number(token):
                    statement.append(token)
                    break
                statement.append(token)
            if token is None or self.i == began:
                raise _Unreadable
            if rewrite and statement:
                self.statement(statement, parameters=parameters, in_exists=in_exists)
            if ended:
                return

    def _in_number(self, dot: Token) -> bool:
        after = self.peek()
        return after is not None and after.start == dot.end and after.text[:1].isdigit()

    def statement(self, toks: list[Token], *, parameters: bool, in_exists: bool) -> None:
        frame = self.groups[-1]
        subject = self.end(toks[0]) if len(toks) >= 3 else None
        if subject is None or any(t.text in ("[", "]") for t in toks):
            bound = ["?" + t.text[1:] for t in toks if t.kind == "var"]
            frame.statements.append(_Read(Statement(0, 0, "", ()), (), bound))
            return
        body = toks[1:-1] if toks[-1].text == "." else toks[1:]
        parts: list[list[Token]] = [[]]
        depth = 0
        for token in body:
            depth += (token.text == "(") - (token.text == ")")
            if depth == 0 and token.text == ";":
                parts.append([])
            else:
                parts[-1].append(token)
        parts = [p for p in parts if p]
        pairs = []
        owns = []
        plain: list[str] = []
        for part in parts:
            closure = self.closure(subject, part, parameters=parameters, in_exists=in_exists)
            pairs.append(Pair(self.text[part[0].start : part[-1].end], closure))
            names = ["?" + t.text[1:] for t in part if t.kind == "var"]
            owns.append(Counter(names + ([subject] if len(parts) == 1 else [])))
            if closure is None:  # a plain part: its variables, and the subject, are bound
                plain += [*names, subject]
        statement = Statement(toks[0].start, toks[-1].end, toks[0].text, tuple(pairs))
        frame.statements.append(_Read(statement, tuple(owns), plain))

    def closure(
        self, subject: str, part: list[Token], *, parameters: bool, in_exists: bool
    ) -> Closure | None:
        if len(part) < 3 or part[-2].text not in ("*", "+") or part[-2].kind != "other":
            return None
        obj = self.end(part[-1])
        verb = part[:-2]
        first = None
        if len(verb) >= 3 and verb[1].text == "/":
            first = self.iri(verb[0])
            if first is None:
                return None
            verb = verb[2:]
        steps = self.steps(verb)
        if obj is None or steps is None:
            return None
        return Closure(
            subject,
            obj,
            steps,
            part[-2].text == "+",
            first,
            parameters,
            in_exists,
        )

    def steps(self, verb: list[Token]) -> tuple[Step, ...] | None:
        if len(verb) >= 3 and verb[0].text == "(" and verb[-1].text == ")":
            alternatives: list[list[Token]] = [[]]
            for token in verb[1:-1]:
                if token.text == "|":
                    alternatives.append([])
                else:
                    alternatives[-1].append(token)
        else:
            alternatives = [verb]
        out = []
        for alternative in alternatives:
            inverse = len(alternative) == 2 and alternative[0].text == "^"
            if len(alternative) != 1 + inverse:
                return None
            iri = self.iri(alternative[-1])
            if iri is None:
                return None
            out.append(Step(iri, inverse))
        return tuple(out)

    def end(self, token: Token) -> str | None:
        if token.kind == "var":
            return "?" + token.text[1:]
        if token.kind == "word" and token.text == "a":
            return None
        return self.iri(token)

    def iri(self, token: Token) -> str | None:
        """The absolute IRI a token names (``a`` is ``rdf:type``), or ``None``."""
        if token.kind == "word" and token.text == "a":
            return RDF_TYPE
        if token.kind == "iri":
            value = token.text[1:-1]
            return value if ":" in value else None  # a relative IRI: its base is the engine's
        if token.kind == "pname":
            prefix, _, local = token.text.partition(":")
            namespace = self.prefixes.get(prefix)
            if namespace is None:
                return None
            plain = []
            escaped = False
            for char in local:
                if char == "\\" and not escaped:
                    escaped = True
                    continue
                plain.append(char)
                escaped = False
            return namespace + "".join(plain)
        return None


@dataclass
class _Frame:
    """A group being read: its kind, whether parameters hold in it, where it starts (the token
    after its ``{``), its filters (token spans) and its statements."""

    kind: str
    parameters: bool
    start: int
    filters: list[tuple[int, int]] = field(default_factory=list)
    statements: list[_Read] = field(default_factory=list)


@dataclass(frozen=True)
class _Read:
    """A statement as read, with each part's own variable mentions (the subject's too, when it
    has one part) and the variables its plain parts bind."""

    statement: Statement
    own: tuple[Counter[str], ...]
    plain: list[str]


def _tagged(statement: list[Token], token: Token) -> bool:
    """Whether a word is a literal's language tag (``"..."@values``), not a keyword."""
    return bool(statement) and statement[-1].text == "@" and statement[-1].end == token.start


def _is_boolean(expression: list[Token]) -> bool:
    """Whether an expression's value is a boolean by its outermost form (its tokens at the top
    level, each nested parenthesis given by its ``(``)."""
    texts = [t.text.upper() if t.kind == "word" else t.text for t in expression if t.kind != "string"]
    if any(text in ("=", "<", ">", "IN") for text in texts):
        return True
    for one, two in itertools.pairwise(texts):
        if (one, two) in (("|", "|"), ("&", "&")):
            return True
    if texts[:1] == ["!"] and not _ARITHMETIC & set(texts):
        return True
    if texts in (["EXISTS"], ["NOT", "EXISTS"], ["TRUE"], ["FALSE"]):
        return True
    return len(texts) == 2 and texts[0] in _BOOLEAN_CALLS and texts[1] == "("


__all__ = ["RDF_TYPE", "Closure", "Pair", "Reading", "Statement", "Step", "read"]
