"""The terms a draft is written in, and how it mints IRIs: one place, so that the drafter
follows the model (``docs/modelling.md``, ``ontology/``) with a small change here.

The review mark is :data:`NEEDS_REVIEW` (``kgo:needsReview true``): every sentence graph and
every candidate the drafter proposes carries it, and the shapes refuse data that still does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from typing import Final

from anyascii import anyascii

from kg.namespaces import FOAF, KGG, KGO, KGR, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD

# -- review --------------------------------------------------------------------------------
NEEDS_REVIEW: Final = KGO + "needsReview"
"""``kgo:needsReview true``: not yet reviewed; the shapes refuse data that still says so."""
EDITORIAL_NOTE: Final = SKOS + "editorialNote"
"""Where every review note goes ("ambiguous: ...", "near-duplicate of ...")."""

# -- sources and sentences -------------------------------------------------------------------
TYPE: Final = RDF + "type"
NEWS_ARTICLE: Final = SCHEMA + "NewsArticle"
URL: Final = SCHEMA + "url"
HEADLINE: Final = SCHEMA + "headline"
PUBLISHER: Final = SCHEMA + "publisher"
DATE_PUBLISHED: Final = SCHEMA + "datePublished"
IN_LANGUAGE: Final = SCHEMA + "inLanguage"
SOURCE_SENTENCE: Final = KGO + "SourceSentence"
SENTENCE_TEXT: Final = KGO + "sentenceText"
SENTENCE_NUMBER: Final = KGO + "sentenceNumber"
DERIVED_FROM: Final = PROV + "wasDerivedFrom"
QUOTED_FROM: Final = PROV + "wasQuotedFrom"

# -- labels ----------------------------------------------------------------------------------
PREF_LABEL: Final = SKOS + "prefLabel"
ALT_LABEL: Final = SKOS + "altLabel"
NAME: Final = FOAF + "name"
LABEL_PREDICATES: Final = (PREF_LABEL, ALT_LABEL, NAME, SCHEMA + "name", RDFS + "label")
"""The properties whose values name an entity; mentions are matched against them."""

# -- kinds of entities -----------------------------------------------------------------------
PERSON: Final = FOAF + "Person"
ORGANIZATION: Final = ORG + "Organization"
SITE: Final = ORG + "Site"
PLACE: Final = SCHEMA + "Place"
EVENT: Final = SCHEMA + "Event"

KIND_CLASSES: Final = {
    "person": PERSON,
    "organization": ORGANIZATION,
    "site": SITE,
    "place": PLACE,
    "event": EVENT,
}
"""The class each kind of candidate entity is typed with; a known entity's kind is the first
of these its classes reach through ``rdfs:subClassOf``."""
FEDERAL_SUBJECT: Final = KGO + "FederalSubject"
CLASS_BY_HEAD: Final = {"region": FEDERAL_SUBJECT, "oblast": FEDERAL_SUBJECT, "krai": FEDERAL_SUBJECT}
"""A finer class for a candidate whose name ends in one of these words ("Kaluga Region"): a
federal subject is both a place and an organization that holds posts."""
NOT_NAMED_CLASSES: Final = (
    ORG + "Post",
    SCHEMA + "CreativeWork",
    SCHEMA + "QuantitativeValue",
    PROV + "Entity",
    KGO + "Evidence",
)
"""Labelled nodes a text does not name (posts, quotations, claims, counts, agreements,
sources): never matched against mentions. A labelled node of no class at all is."""

# -- facts -----------------------------------------------------------------------------------
POST: Final = ORG + "Post"
POST_IN: Final = ORG + "postIn"
HELD_BY: Final = ORG + "heldBy"
QUOTATION: Final = SCHEMA + "Quotation"
TEXT: Final = SCHEMA + "text"
CREATOR: Final = SCHEMA + "creator"
IS_BASED_ON: Final = SCHEMA + "isBasedOn"
SPEECH_MODE: Final = KGO + "speechMode"
DIRECT_SPEECH: Final = KGO + "DirectSpeech"
REPORTED_SPEECH: Final = KGO + "ReportedSpeech"
INCOMPLETE: Final = KGO + "isIncomplete"
"""``true`` on a quotation whose closing mark is not in the text (cut by the excerpt)."""
IN_SENTENCE: Final = KGO + "inSentence"
"""The sentence graph whose words a quotation gives: one quotation per sentence."""
START_DATE: Final = SCHEMA + "startDate"
END_DATE: Final = SCHEMA + "endDate"
DATE_WITHOUT_YEAR: Final = KGO + "dateWithoutYear"
SOURCE_WORDING: Final = KGO + "sourceWording"
PARTICIPANT: Final = SCHEMA + "participant"
ORGANIZER: Final = SCHEMA + "organizer"
CO_ORGANIZER: Final = KGO + "coOrganizer"
LOCATION: Final = SCHEMA + "location"
AGREEMENT_GROUP: Final = KGO + "AgreementGroup"
SIGNED_BY: Final = KGO + "signedBy"
SIGNED_WITH: Final = KGO + "signedWith"
QUANTITATIVE_VALUE: Final = SCHEMA + "QuantitativeValue"
VALUE: Final = SCHEMA + "value"
MIN_VALUE: Final = SCHEMA + "minValue"
MAX_VALUE: Final = SCHEMA + "maxValue"
UNIT_TEXT: Final = SCHEMA + "unitText"
VALUE_REFERENCE: Final = SCHEMA + "valueReference"
"""A related count: "more than 100 companies from 50 regions"."""
PARTICIPANT_COUNT: Final = KGO + "participantCount"
"""From an event to the count of those who took part in it."""
AS_STATED_IN: Final = KGO + "asStatedIn"
AS_OF: Final = KGO + "asOf"
"""A post as stated: the source that states it, and the source's date where given."""

XSD_DATE: Final = XSD + "date"
XSD_GMONTHDAY: Final = XSD + "gMonthDay"
XSD_INTEGER: Final = XSD + "integer"
XSD_BOOLEAN: Final = XSD + "boolean"


# -- IRIs ------------------------------------------------------------------------------------
def slugify(text: str, limit: int = 60) -> str:
    """A lower-case ASCII slug: ``Mikhail Labudin`` gives ``mikhail-labudin``; Cyrillic is
    romanized first."""
    ascii_text = anyascii(unicodedata.normalize("NFKC", text)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
    return slug or "item"


def document_iri(slug: str) -> str:
    return KGR + slug


def sentence_graph_iri(slug: str, number: int) -> str:
    """A sentence graph is numbered by its position when first drafted, and keeps that IRI."""
    return f"{KGG}{slug}-s{number:02d}"


def shared_iri(label: str, taken: Container[str]) -> str:
    """A shared thing (organization, person, place) gets one IRI for every article: the slug of
    its name, with a number added only if another thing already has it."""
    return _free(KGR + slugify(label), taken)


def source_bound_iri(source_slug: str, local: str, taken: Container[str]) -> str:
    """A thing bound to its source (an event, a quotation, a post as stated, a count) gets an IRI
    in the source's own space, ``kgr:<source>.<local>``, so the next article's meeting never
    collides with this one."""
    return _free(f"{KGR}{source_slug}.{slugify(local, 50)}", taken)


def _free(iri: str, taken: Container[str]) -> str:
    if iri not in taken:
        return iri
    number = 2
    while f"{iri}-{number}" in taken:
        number += 1
    return f"{iri}-{number}"
