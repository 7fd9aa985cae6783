"""The review summary: what the draft holds and what the reviewer must look at."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg.draft.build import Draft
from kg.namespaces import shorten


def summary(draft: Draft, path: Path | None) -> dict[str, Any]:
    """The summary as data (the ``--format json`` output)."""
    return {
        "path": str(path) if path is not None else None,
        "source": draft.document,
        "headline": draft.headline,
        "sentences": len(draft.sentences),
        "linked": [
            {"sentence": m.sentence, "text": m.text, "entity": m.entity, "how": m.how} for m in draft.linked
        ],
        "ambiguous": [
            {"sentence": m.sentence, "text": m.text, "choices": list(m.choices)} for m in draft.ambiguous
        ],
        "candidates": [
            {
                "iri": c.iri,
                "label": c.label,
                "kind": c.kind,
                "sentence": c.sentence,
                "near_duplicates": [{"iri": i, "label": t, "score": round(s, 1)} for i, t, s in c.near],
            }
            for c in draft.candidates
        ],
        "facts": [
            {"sentence": f.sentence, "kind": f.kind, "summary": f.summary} for f in draft.facts if f.summary
        ],
        "review_marks": sum(1 for q in draft.quads if q.predicate.value.endswith("#needsReview")),
    }


def to_json(draft: Draft, path: Path | None) -> str:
    return json.dumps(summary(draft, path), ensure_ascii=False, indent=2) + "\n"


def to_text(draft: Draft, path: Path | None) -> str:
    data = summary(draft, path)
    lines = [
        f"draft: {data['path'] or '-'}",
        f"source: {shorten(draft.document)}"
        + (f" (headline: {draft.headline})" if draft.headline else " (no headline)"),
        f"sentences: {data['sentences']}",
        f"linked entities: {len(data['linked'])} mention(s) of "
        f"{len({m['entity'] for m in data['linked']})} known entit(ies)",
    ]
    for mention in data["linked"]:
        lines.append(
            f"  s{mention['sentence']:02d} {mention['text']!r} -> "
            f"{shorten(mention['entity'])} ({mention['how']})"
        )
    lines.append(f"ambiguous mentions: {len(data['ambiguous'])}")
    for mention in data["ambiguous"]:
        lines.append(
            f"  s{mention['sentence']:02d} {mention['text']!r}: "
            + " or ".join(shorten(c) for c in mention["choices"])
        )
    lines.append(f"candidate entities: {len(data['candidates'])}")
    for candidate in data["candidates"]:
        near = "; ".join(
            f"near-duplicate {shorten(n['iri'])} {n['label']!r} ({n['score']:.0f})"
            for n in candidate["near_duplicates"]
        )
        lines.append(
            f"  {shorten(candidate['iri'])} {candidate['kind']} {candidate['label']!r}"
            + (f" [{near}]" if near else "")
        )
    lines.append(f"candidate facts: {len(data['facts'])}")
    for fact in data["facts"]:
        lines.append(f"  s{fact['sentence']:02d} {fact['summary']}")
    lines.append(
        f"review marks: {data['review_marks']} (remove each kgo:needsReview line once its node is checked)"
    )
    return "\n".join(lines) + "\n"
