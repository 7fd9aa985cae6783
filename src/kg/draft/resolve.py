"""From sentences to every mention: known entities, candidates, and references back.

After the known names (:mod:`kg.draft.mentions`) and the new ones
(:mod:`kg.draft.candidates`), two kinds of reference are resolved against what the text has
named so far: a bare head noun with "the" ("the Association", "the Meeting") links only when
exactly one entity with that head has been named before it, and is listed as ambiguous
otherwise; a surname alone links to the person named in full before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.draft import vocabulary as v
from kg.draft.candidates import (
    EVENT_HEADS,
    ORGANIZATION_HEADS,
    Candidate,
    find_names,
    head_word,
    mention_for,
    near_duplicates,
    same_candidate,
)
from kg.draft.known import KnownEntities
from kg.draft.mentions import Mention, link_sentence, link_surnames, words
from kg.draft.segment import Sentence


@dataclass
class Resolution:
    mentions: list[Mention] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


def resolve(
    sentences: list[Sentence], article: str, known: KnownEntities, slug: str, language: str, taken: set[str]
) -> Resolution:
    result = Resolution()
    for iri, entity in known.entities.items():
        result.kinds[iri] = entity.kind
        result.labels[iri] = entity.label(language)
    for sentence in sentences:
        result.mentions.extend(link_sentence(sentence, article, known))
    for sentence in sentences:
        covered = [(m.start, m.end) for m in result.mentions if m.sentence == sentence.number]
        for name in find_names(sentence, article, covered):
            existing = _by_policy(name.text, name.kind, known)
            if existing is not None:
                mention = Mention(name.sentence, name.start, name.end, name.text, entity=existing, how="iri")
                mention.notes.append(
                    f'"{name.text}" is linked to <{existing}>, the IRI the project\'s policy '
                    "gives this name: the graph knows it under other names only"
                )
                result.mentions.append(mention)
                continue
            if not name.kind:
                continue  # a name of no known kind is no candidate
            candidate = _candidate_for(
                result, name.text, name.kind, name.sentence, known, slug, taken, language
            )
            result.mentions.append(mention_for(name, candidate.iri))
    _references(sentences, article, result, known)
    _sites(sentences, result, known)
    persons = {
        m.entity: m.text
        for m in result.mentions
        if m.entity and result.kinds.get(m.entity) == "person" and len(m.text.split()) >= 2
    }
    result.mentions.extend(link_surnames(sentences, article, result.mentions, persons))
    result.mentions.sort(key=lambda m: m.start)
    return result


def _by_policy(label: str, kind: str, known: KnownEntities) -> str | None:
    """The known entity that already has the IRI this name would be given, if its kind agrees:
    shared things are named by the slug of their name, so that is the same thing."""
    if kind == "event":
        return None
    iri = v.shared_iri(label, ())
    entity = known.entities.get(iri)
    if entity is None or (kind and entity.kind not in (kind, "thing", "site" if kind == "place" else kind)):
        return None
    return iri


def _candidate_for(
    result: Resolution,
    label: str,
    kind: str,
    sentence: int,
    known: KnownEntities,
    slug: str,
    taken: set[str],
    language: str,
) -> Candidate:
    for candidate in result.candidates:
        if candidate.kind == kind and same_candidate(candidate.label, label):
            if label not in candidate.spellings:
                candidate.spellings.append(label)
            return candidate
    near = near_duplicates(label, known)
    if kind == "event":
        iri = v.source_bound_iri(slug, label, taken)
    else:
        iri = v.shared_iri(label, taken)
        plain = v.shared_iri(label, ())
        if plain != iri and plain in known.entities and all(n[0] != plain for n in near):
            # the name's own IRI is taken: most often by the same thing under another name
            near.insert(0, (plain, known.entities[plain].label(language), 100.0))
    taken.add(iri)
    candidate = Candidate(iri, label, kind, sentence, [label], near)
    result.candidates.append(candidate)
    result.kinds[iri] = kind
    result.labels[iri] = label
    return candidate


_SITES = re.compile(r"\bsites?\b", re.IGNORECASE)


def _site_of(iri: str, known: KnownEntities) -> str | None:
    for site, organization in known.sites.items():
        if organization == iri:
            return site
    named = iri + "-site"  # the project's IRI for the site an organization runs
    return named if named in known.entities else None


def _sites(sentences: list[Sentence], result: Resolution, known: KnownEntities) -> None:
    """In a sentence that speaks of sites ("attended five infrastructure sites: …"), an
    organization that runs a known site names that site."""
    for sentence in sentences:
        if not _SITES.search(sentence.text):
            continue
        for mention in result.mentions:
            if mention.sentence != sentence.number or mention.candidate:
                continue
            choices = [mention.entity] if mention.entity else list(mention.choices)
            organizations = [c for c in choices if _site_of(c, known)]
            sites = {_site_of(c, known) for c in organizations}
            if not organizations or len(sites) != 1 or not set(choices) <= {*organizations, *sites}:
                continue
            site = next(iter(sites))
            if site is None:
                continue
            mention.entity, mention.choices, mention.how = site, (), "site"
            mention.notes[:] = [
                f'"{mention.text}" is linked to the site <{site}>, as the '
                f"sentence speaks of sites; it is run by <{organizations[0]}>"
            ]


def _heads(iri: str, result: Resolution, known: KnownEntities) -> set[str]:
    if iri in known.entities:
        return {head_word(text) for text, _ in known.entities[iri].labels}
    return {head_word(c.label) for c in result.candidates if c.iri == iri}


def _references(sentences: list[Sentence], article: str, result: Resolution, known: KnownEntities) -> None:
    heads = EVENT_HEADS | ORGANIZATION_HEADS
    for sentence in sentences:
        covered = [(m.start, m.end) for m in result.mentions if m.sentence == sentence.number]
        items = words(sentence.text, sentence.start)
        for index, word in enumerate(items):
            if index == 0 or word.text.lower() not in heads or not word.text[:1].isupper():
                continue
            if any(s <= word.start < e for s, e in covered):
                continue
            if items[index - 1].text.lower() != "the":
                continue
            following = items[index + 1] if index + 1 < len(items) else None
            if following is not None and following.text.lower() == "of":
                continue
            head = word.text.lower()
            named = []
            for mention in result.mentions:
                if (
                    mention.start < word.start
                    and mention.entity is not None
                    and mention.entity not in named
                    and head in _heads(mention.entity, result, known)
                ):
                    named.append(mention.entity)
            start = items[index - 1].start
            reference = Mention(sentence.number, start, word.end, article[start : word.end], how="context")
            if len(named) == 1:
                reference.entity = named[0]
                reference.candidate = named[0] not in known.entities
            elif len(named) > 1:
                reference.choices = tuple(sorted(named))
                reference.how = "ambiguous"
                reference.notes.append(
                    f'ambiguous: "{reference.text}" may name '
                    + " or ".join(f"<{c}>" for c in reference.choices)
                    + "; the text does not settle which"
                )
            else:
                continue
            result.mentions.append(reference)
