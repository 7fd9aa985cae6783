"""From an article's text to a draft contribution the analyst reviews by editing.

>>> from kg.draft import Metadata, KnownEntities, draft_text
>>> known = KnownEntities.from_rows([("https://kg.example.org/id/actp-rf", "ACTP RF", "en")],
...                                 [("https://kg.example.org/id/actp-rf",
...                                   "http://www.w3.org/ns/org#Organization")], [])
>>> draft = draft_text("Mikhail Labudin, director of ACTP RF, said that it went well.",
...                    Metadata(url="https://example.org/news/1"), known, "news-1")
>>> [m.text for m in draft.linked]
['ACTP RF']
>>> [f.summary for f in draft.facts]
['post: Mikhail Labudin, director of ACTP RF', 'reported quotation by Mikhail Labudin: it went well']

The parts, in the order they run: :mod:`~kg.draft.article` (input), :mod:`~kg.draft.segment`
and :mod:`~kg.draft.quotes` (sentences, quotation marks), :mod:`~kg.draft.mentions`,
:mod:`~kg.draft.candidates` and :mod:`~kg.draft.resolve` (entities), :mod:`~kg.draft.facts`,
:mod:`~kg.draft.events`, :mod:`~kg.draft.counts`, :mod:`~kg.draft.speech` (candidate facts),
:mod:`~kg.draft.build` (quads), :mod:`~kg.draft.trig` and :mod:`~kg.draft.summary` (output).
The terms it writes are in :mod:`~kg.draft.vocabulary`.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.draft.article import Metadata, read_article, slug_for
from kg.draft.build import Draft, draft_article
from kg.draft.known import KnownEntities
from kg.draft.trig import review_trig
from kg.errors import UsageError

if TYPE_CHECKING:
    from kg.api import Project

__all__ = [
    "Draft",
    "DraftWritten",
    "KnownEntities",
    "Metadata",
    "draft_file",
    "draft_text",
    "resolve_publisher",
    "review_trig",
    "write_draft",
]


def draft_text(text: str, metadata: Metadata, known: KnownEntities, slug: str) -> Draft:
    """The draft of an article's ``text``, against what ``known`` holds."""
    return draft_article(text, metadata, known, slug)


@dataclass(frozen=True)
class DraftWritten:
    draft: Draft
    path: Path


def resolve_publisher(value: str | None, known: KnownEntities) -> str | None:
    """The publisher's IRI from an IRI, a CURIE or a name the graph knows; else a UsageError."""
    if value is None:
        return None
    from kg.draft.names import name_key
    from kg.namespaces import expand_curie

    iri = expand_curie(value) or (value[1:-1] if value.startswith("<") else value)
    if iri in known.entities or iri in known.taken:
        return iri
    matches = known.by_key.get(name_key(value), set())
    organizations = sorted(m for m in matches if known.entities[m].kind == "organization")
    if len(organizations) == 1:
        return organizations[0]
    if len(organizations) > 1:
        several = f"{value!r} names several organizations: {', '.join(organizations)}; give the IRI"
        raise UsageError(f"publisher {several}", cli=f"--publisher {several}")
    unknown = f"{value!r}: give the IRI or a name of an organization the graph knows"
    raise UsageError(f"unknown publisher {unknown}", cli=f"unknown --publisher {unknown}")


def write_draft(draft: Draft, path: Path, *, force: bool = False) -> Path:
    """Write the draft's TriG to ``path`` (refused if it exists, unless ``force``), atomically."""
    if path.exists() and not force:
        raise UsageError(
            f"{path}: a draft is already there; pass force=True to replace it",
            cli=f"{path}: a draft is already there; pass --force to replace it",
        )
    text = review_trig(draft.quads)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        Path(name).replace(path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return path


def draft_file(
    project: Project,
    article: Path,
    *,
    url: str,
    headline: str | None = None,
    publisher: str | None = None,
    date: str | None = None,
    language: str = "en",
    output: Path | None = None,
    force: bool = False,
) -> DraftWritten:
    """Draft ``article`` against ``project`` and write ``drafts/<slug>.trig`` (or ``output``).

    Every argument is checked, and the article read, before anything is written."""
    from kg.draft.article import check_date, check_language, check_url

    metadata_url = check_url(url)
    metadata_date = check_date(date)
    metadata_language = check_language(language)
    if headline is not None and not headline.strip():
        raise UsageError(
            "headline is empty: leave it out when the article has none",
            cli="--headline is empty: leave it out when the article has none",
        )
    text = read_article(article)
    slug = slug_for(article)
    target = output if output is not None else project.files.root / "drafts" / f"{slug}.trig"
    if target.exists() and not force:
        raise UsageError(
            f"{target}: a draft is already there; pass force=True to replace it",
            cli=f"{target}: a draft is already there; pass --force to replace it",
        )
    known = KnownEntities.from_project(project)
    metadata = Metadata(
        url=metadata_url,
        headline=headline,
        publisher=resolve_publisher(publisher, known),
        date=metadata_date,
        language=metadata_language,
    )
    draft = draft_article(text, metadata, known, slug)
    return DraftWritten(draft, write_draft(draft, target, force=force))
