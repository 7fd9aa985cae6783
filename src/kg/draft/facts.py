"""Candidate facts about people and organizations: posts, agreement groups, name variants.

Posts come from "NAME, TITLE of|at [the] ORG" and "TITLE of [the] ORG NAME"; the title is
the article's words between the name and the organization. Agreement groups come from
"signed … agreement(s) … with ORG". A known entity mentioned by a name it does not carry yet
gets that name as a candidate ``skos:altLabel``.
"""

from __future__ import annotations

import re

from kg.draft import vocabulary as v
from kg.draft.candidates import TITLE_WORDS
from kg.draft.known import KnownEntities
from kg.draft.mentions import Mention
from kg.draft.model import Fact, Scope
from kg.terms import Literal, NamedNode

_TITLE_AFTER = re.compile(r",\s+(?P<title>[^,;:()«»\"“”]+?)\s+(?:of|at)\s+(?:the\s+)?")
_TITLE_BEFORE = re.compile(r"(?P<title>(?:[A-Z][\w-]*\s+)*[A-Z][\w-]*)\s+of\s+(?:the\s+)?$")
_AGREEMENTS = re.compile(
    r"\bsigned\s+(?P<words>(?:[\w-]+\s+){0,4}?agreements?\b(?:\s+on\s+[\w\s-]+?)?\s+with\s+(?:the\s+)?)$"
)


def _titled(title: str) -> bool:
    first = title.split()[0].lower() if title.split() else ""
    return first in TITLE_WORDS


def _organization_like(scope: Scope, mention: Mention) -> bool:
    return scope.kind(mention) in ("organization", "place")


def post_facts(scope: Scope, number: int) -> list[Fact]:
    """Posts stated in sentence ``number``."""
    facts: list[Fact] = []
    mentions = sorted(scope.in_sentence(number), key=lambda m: m.start)
    for person in (m for m in mentions if scope.kind(m) == "person"):
        after = [m for m in mentions if m.start > person.end and _organization_like(scope, m)]
        for org in sorted(after, key=lambda m: -m.start):
            match = _TITLE_AFTER.fullmatch(scope.article[person.end : org.start])
            if match and _titled(match.group("title")):
                fact = _post(scope, number, person, org, match.group("title"))
                fact.spans.append((person.end + match.start("title"), person.end + match.end("title")))
                facts.append(fact)
                break
        else:
            before = [m for m in mentions if m.end < person.start and _organization_like(scope, m)]
            for org in reversed(before):
                if scope.article[org.end : person.start] != " ":
                    continue
                head = scope.article[scope.sentence(number).start : org.start]
                found = _TITLE_BEFORE.search(head)
                if found and all(w.lower() in TITLE_WORDS for w in found.group("title").split()):
                    facts.append(_post(scope, number, person, org, found.group("title")))
                    break
    return facts


def _post(scope: Scope, number: int, person: Mention, org: Mention, title: str) -> Fact:
    holder = person.entity or ""
    node = scope.mint(f"post-{scope.labels.get(holder, 'holder')}")
    fact = Fact(number, "post", node)
    fact.add(node, v.TYPE, v.POST)
    fact.add(node, v.PREF_LABEL, scope.text(title))
    fact.add(node, v.HELD_BY, holder)
    fact.add(node, v.POST_IN, org.entity or "")
    fact.add(node, v.AS_STATED_IN, scope.document)
    if scope.date is not None:
        fact.add(node, v.AS_OF, Literal(scope.date, datatype=NamedNode(v.XSD_DATE)))
    if scope.kind(org) == "place" and org.entity not in scope.organizations:
        fact.notes.append(
            f"<{org.entity}> is a place: a post needs an organization; the place is also typed as one"
        )
        fact.add(org.entity or "", v.TYPE, v.ORGANIZATION)
    fact.summary = (
        f"post: {scope.labels.get(holder, holder)}, {title} of {scope.labels.get(org.entity or '', org.text)}"
    )
    return fact


def agreement_facts(scope: Scope, number: int) -> list[Fact]:
    """Agreement groups: "signed further cooperation agreements with ORG"."""
    facts: list[Fact] = []
    sentence = scope.sentence(number)
    mentions = sorted(scope.in_sentence(number), key=lambda m: m.start)
    for party in mentions:
        if scope.kind(party) != "organization":
            continue
        match = _AGREEMENTS.search(scope.article[sentence.start : party.start])
        if match is None:
            continue
        words = match.group("words").strip()
        label = f"{words} {party.text}".replace("  ", " ")
        start = sentence.start + match.start("words")
        label = scope.article[start : party.end]
        node = scope.mint(f"agreements-{scope.labels.get(party.entity or '', party.text)}")
        fact = Fact(number, "agreements", node)
        fact.add(node, v.TYPE, v.AGREEMENT_GROUP)
        fact.add(node, v.PREF_LABEL, scope.text(label))
        fact.add(node, v.SIGNED_WITH, party.entity or "")
        signers = [m for m in mentions if m.end <= start and scope.kind(m) in ("organization", "person")]
        if signers:
            fact.add(node, v.SIGNED_BY, signers[0].entity or "")
        else:
            fact.notes.append("the text does not name who signed on the other side")
        fact.summary = f"agreement group: {label}"
        facts.append(fact)
    return facts


def variant_facts(scope: Scope, known: KnownEntities) -> list[Fact]:
    """A known entity named by a spelling it does not carry: that spelling as an altLabel."""
    facts: list[Fact] = []
    seen: set[tuple[str, str]] = set()
    for mention in scope.mentions:
        if mention.entity is None or mention.candidate or mention.how in ("surname", "context"):
            continue
        entity = known.entities.get(mention.entity)
        if entity is None or any(text == mention.text for text, _ in entity.labels):
            continue
        if (mention.entity, mention.text) in seen:
            continue
        seen.add((mention.entity, mention.text))
        fact = Fact(mention.sentence, "name", mention.entity)
        fact.add(mention.entity, v.ALT_LABEL, scope.text(mention.text))
        fact.summary = f"new name of {entity.label()}: {mention.text}"
        facts.append(fact)
    return facts
