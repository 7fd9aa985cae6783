"""Generate a knowledge graph of any size in the project's ontology, as N-Quads.

    python bench/generate.py --triples 1000000 --seed 1 [--violations 0.01] [--output FILE]

Each *mission* mirrors ``data/actp-rf-business-mission-results.trig``: a news article, an
organizing association, a delegation, a business mission with its site visits, meetings,
agreement signings and groups of agreements, the organizations and sites visited, people and
their posts as the article states them, quotations and the claims made in them (among them a
speaker's count of the agreements signed), a plenary session, one named graph per supporting
sentence (or reference record) with its provenance, and an inference graph that ties the groups
of agreements to the total the speaker counts. The vocabulary of ``ontology/`` comes first, in
its own graph, so one file is everything a validator needs.

The data conforms to ``ontology/shapes.ttl`` by construction; ``--violations RATE`` breaks,
in each mission and for each kind of violation the shapes check, one thing with probability
RATE. The output is deterministic for a seed and streamed line by line (little memory at any
size). Mission 0 is ``kgr:actp-rf-business-mission-results.mission``, organized by ``kgr:actp-rf``,
so the named queries' defaults find it.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import TextIO

KGO = "https://kg.example.org/ontology#"
KGR = "https://kg.example.org/id/"
KGG = "https://kg.example.org/graph/"
KGST = "https://kg.example.org/site-type/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"

COUNTRIES = 20
SITES_PER_MISSION = 5
PEOPLE_PER_MISSION = 2
SITE_KINDS = (
    ("Technopark", "technopark", "Technopark"),
    ("FreeEconomicZone", "free-economic-zone", "FEZ"),
    ("IndustrialPark", "industrial-park", "Industrial Park"),
)

#: every kind of violation the generator can inject (one per constraint the shapes check)
VIOLATIONS = (
    "minCount",
    "maxCount",
    "datatype",
    "nodeKind",
    "class",
    "in",
    "node-hasValue",
    "uniqueLang",
    "qualifiedMinCount",
    "minInclusive",
    "lessThanOrEquals",
    "or",
    "sparql-inverse",
    "sparql-claim-creator",
    "sparql-verbatim",
    "sparql-sentence-number",
    "sparql-location",
    "sparql-participant",
    "sparql-acyclic",
    "maxCount-sentenceText",
    "sparql-quote-sentence",
    "sparql-year-invented",
    "sparql-part-of",
    "sparql-group-counterparty",
)

WORDS = (
    "cooperation",
    "industrial",
    "technology",
    "investment",
    "export",
    "partnership",
    "innovation",
    "logistics",
    "engineering",
    "residents",
    "sovereignty",
    "production",
    "business",
    "development",
    "infrastructure",
    "agreement",
    "network",
    "support",
)


def iri(value: str) -> str:
    return f"<{value}>"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    if lang:
        return f'"{_escape(text)}"@{lang}'
    if datatype and datatype != XSD + "string":
        return f'"{_escape(text)}"^^<{datatype}>'
    return f'"{_escape(text)}"'


def en(text: str) -> str:
    return lit(text, "en")


def integer(n: int) -> str:
    return lit(str(n), datatype=XSD + "integer")


def date(year: int, month: int, day: int) -> str:
    return lit(f"{year:04d}-{month:02d}-{day:02d}", datatype=XSD + "date")


A = iri(RDF + "type")


def k(name: str) -> str:
    return iri(KGO + name)


def r(name: str) -> str:
    return iri(KGR + name)


def s(name: str) -> str:
    return iri(SCHEMA + name)


def sk(name: str) -> str:
    return iri(SKOS + name)


def o(name: str) -> str:
    return iri(ORG + name)


def pv(name: str) -> str:
    return iri(PROV + name)


Triple = tuple[str, str, str]


class Mission:
    """The quads of one mission, built sentence by sentence."""

    def __init__(
        self, index: int, rng: random.Random, broken: frozenset[str], link_to: int | None = None
    ) -> None:
        self.m = index
        self.rng = rng
        self.broken = broken
        self.link_to = link_to
        self.id = "actp-rf-business-mission-results.mission" if index == 0 else f"m{index}-mission"
        self.article = r(f"m{index}-article")
        self.sentence = 0
        self.quads: list[str] = []

    def name(self, local: str) -> str:
        return r(f"m{self.m}-{local}")

    def next_graph(self) -> str:
        """The IRI of the sentence graph :meth:`graph` writes next."""
        return iri(f"{KGG}m{self.m}-s{self.sentence + 1:02d}")

    def graph(
        self, text: str, triples: list[Triple], quoted_from: str | None = None, number: int | None = None
    ) -> None:
        """A named graph standing for one sentence of the mission's article."""
        g = self.next_graph()
        self.sentence += 1
        head: list[Triple] = [
            (g, A, k("SourceSentence")),
            (g, k("sentenceNumber"), integer(number if number is not None else self.sentence)),
            (g, k("sentenceText"), en(text)),
            (g, pv("wasDerivedFrom"), self.article),
        ]
        if quoted_from:
            head.append((g, pv("wasQuotedFrom"), quoted_from))
        self.quads.extend(f"{a} {b} {c} {g} .\n" for a, b, c in (*head, *triples))

    def words(self, n: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(n))

    def bad(self, kind: str) -> bool:
        return kind in self.broken

    # -- the parts -------------------------------------------------------------------------
    def build(self) -> list[str]:
        rng = self.rng
        m = self.m
        dest = rng.randrange(COUNTRIES)
        home = (dest + 1 + rng.randrange(COUNTRIES - 1)) % COUNTRIES
        country, home_country = r(f"country-{dest}"), r(f"country-{home}")
        year, month = 2020 + m % 6, 1 + m % 12
        mission = r(self.id)
        linked = self.link_to is not None
        owner = self.link_to if linked else m
        organizer = r("actp-rf") if owner == 0 else r(f"m{owner}-association")
        delegation = r(f"m{owner}-delegation")
        start = date(year, month, 1)
        self.reference(organizer, linked)

        triples: list[Triple] = [
            (self.article, A, s("NewsArticle")),
            (self.article, s("about"), mission),
            (self.article, s("headline"), lit(f"Business mission {m}: results")),
            (mission, A, k("BusinessMission")),
            (mission, sk("prefLabel"), en(f"Business mission {m}")),
            (mission, s("organizer"), organizer),
        ]
        if not linked:
            triples += [
                (organizer, A, k("Association")),
                (organizer, sk("prefLabel"), en(f"Association of {self.words(3)} {m}")),
                (organizer, sk("altLabel"), en(f"A{m}")),
                (
                    organizer,
                    iri(FOAF + "homepage"),
                    lit(f"http://a{m}.example.org/")
                    if self.bad("nodeKind")
                    else iri(f"http://a{m}.example.org/"),
                ),
                (delegation, A, k("Delegation")),
                (delegation, sk("prefLabel"), en(f"Delegation {m}")),
                (delegation, k("fromCountry"), home_country),
            ]
        self.graph(f"Business mission {m}: results", triples)

        total = self.name("agreements-signed")
        self.graph(
            f"During the three-day visit the delegation of mission {m} travelled.",
            [
                (mission, A, k("BusinessMission")),
                (mission, k("delegation"), delegation),
                (mission, k("destinationCountry"), country),
                (mission, k("durationDays"), lit("3") if self.bad("datatype") else integer(3)),
                (mission, s("duration"), lit("P3D", datatype=XSD + "duration")),
                (mission, s("startDate"), lit(f"{year}-{month:02d}-01") if self.bad("or") else start),
                (mission, s("location"), country),
                (mission, k("aim"), en(f"strengthen {self.words(2)} ties")),
                (mission, k("cooperationFramework"), r("union-state")),
                (total, A, k("AgreementGroup")),
                (total, sk("prefLabel"), en(f"Cooperation agreements signed during mission {m}")),
                (total, pv("wasGeneratedBy"), mission),
            ],
        )
        site_graphs = []
        for i in range(SITES_PER_MISSION):
            site_graphs.append(self.next_graph())
            self.site(i, mission, delegation, country, start)
        people = [self.person(i, organizer) for i in range(PEOPLE_PER_MISSION)]
        count_graph = self.next_graph()
        for i, person in enumerate(people):
            self.quotation(i, person, people[(i + 1) % len(people)], mission, total)
        self.plenary(mission, delegation, start)
        self.inference([*site_graphs, count_graph], total)
        if self.bad("sparql-part-of"):
            meeting = self.name("meeting-0")
            self.graph(
                "The mission was part of a meeting.",
                [(mission, s("superEvent"), meeting), (meeting, s("subEvent"), mission)],
            )
        return self.quads

    def inference(self, grounds: list[str], total: str) -> None:
        """An inference graph: the groups signed at the sites are among the total counted."""
        g = iri(f"{KGG}m{self.m}-inference-agreements-among-the-total")
        triples: list[Triple] = [
            (g, A, k("Inference")),
            (
                g,
                k("justification"),
                en(
                    "The agreements signed at each site were signed during "
                    "the mission, so they are among those counted."
                ),
            ),
            *((g, pv("wasDerivedFrom"), ground) for ground in grounds),
            *((self.name(f"agreements-{i}"), k("subGroupOf"), total) for i in range(SITES_PER_MISSION)),
        ]
        self.quads.extend(f"{a} {b} {c} {g} .\n" for a, b, c in triples)

    def reference(self, organizer: str, linked: bool) -> None:
        g = iri(f"{KGG}m{self.m}-reference")
        triples: list[Triple] = [
            (g, A, k("ReferenceRecord")),
            (g, k("sentenceText"), en(f"The article of mission {self.m} is on news.example.org.")),
            (g, pv("wasDerivedFrom"), r("source-news-example-org")),
            (self.article, A, s("NewsArticle")),
            (self.article, s("url"), iri(f"http://news.example.org/m{self.m}")),
            (self.article, s("publisher"), organizer),
            (self.article, s("inLanguage"), lit("en")),
            (self.article, s("datePublished"), date(2020 + self.m % 6, 1 + self.m % 12, 20)),
            (self.article, s("isPartOf"), r("source-news-example-org")),
        ]
        self.quads.extend(f"{a} {b} {c} {g} .\n" for a, b, c in triples)

    def site(self, i: int, mission: str, delegation: str, country: str, start: str) -> None:
        m = self.m
        cls, kind, word = SITE_KINDS[(m + i) % len(SITE_KINDS)]
        org, site = self.name(f"org-{i}"), self.name(f"site-{i}")
        visit, meeting = self.name(f"visit-{i}"), self.name(f"meeting-{i}")
        signing, agreements = self.name(f"signing-{i}"), self.name(f"agreements-{i}")
        label = f"{word} {self.words(1).title()} {m}-{i}"
        first = i == 0
        site_type = iri(KGST + kind)
        if first and self.bad("in"):
            site_type = iri(KGST + SITE_KINDS[(m + i + 1) % len(SITE_KINDS)][1])
        triples: list[Triple] = [
            (org, A, k(cls)),
            (org, sk("prefLabel"), lit(label, "ru" if first and self.bad("qualifiedMinCount") else "en")),
            (org, sk("prefLabel"), lit(f"{label} (ru)", "ru")),
            (org, o("hasSite"), site),
            (site, A, k("InfrastructureSite")),
            (site, k("siteType"), site_type),
            (
                site,
                s("containedInPlace"),
                r(f"country-{(int(country[len(KGR) + 9 : -1]) + 1) % COUNTRIES}")
                if first and self.bad("sparql-location")
                else country,
            ),
            (site, sk("prefLabel"), en(label)),
            (visit, A, k("SiteVisit")),
            (visit, s("location"), org if first and self.bad("class") else site),
            (visit, s("participant"), delegation),
            (visit, s("superEvent"), mission),
            (visit, s("startDate"), start),
            (visit, sk("prefLabel"), en(f"Visit to {label}")),
            *(
                [(visit, k("dateWithoutYear"), lit(f"--{start[6:11]}", datatype=XSD + "gMonthDay"))]
                if first and self.bad("sparql-year-invented")
                else []
            ),
            (mission, s("subEvent"), visit),
            (meeting, A, k("Meeting")),
            (meeting, k("missionDay"), integer(0 if first and self.bad("minInclusive") else i + 1)),
            (meeting, s("participant"), org),
            (meeting, s("participant"), delegation),
            (meeting, s("superEvent"), mission),
            (meeting, s("subEvent"), signing),
            (meeting, s("startDate"), start),
            (meeting, sk("prefLabel"), en(f"Meeting with {label}")),
            (mission, s("subEvent"), meeting),
            (signing, A, k("AgreementSigning")),
            (signing, s("participant"), delegation),
            (signing, s("superEvent"), mission),
            (signing, s("startDate"), start),
            (signing, sk("prefLabel"), en(f"Signing with {label}")),
            (mission, s("subEvent"), signing),
            (agreements, A, k("AgreementGroup")),
            (agreements, k("signedBy"), delegation),
            (agreements, pv("wasGeneratedBy"), signing),
            (agreements, sk("prefLabel"), en(f"Agreements with {label}")),
        ]
        if not (first and self.bad("sparql-group-counterparty")):
            triples.append((agreements, k("signedWith"), org))
        if not (first and self.bad("sparql-participant")):
            triples.append((signing, s("participant"), org))
        if not (first and self.bad("sparql-inverse")):
            triples.append((signing, s("superEvent"), meeting))
        if first and self.bad("uniqueLang"):
            triples.append((org, sk("prefLabel"), lit(f"{label} (ru), again", "ru")))
        if first and self.bad("node-hasValue"):
            odd = self.name("odd-site-type")
            triples += [
                (site, k("siteType"), odd),
                (odd, A, sk("Concept")),
                (odd, sk("prefLabel"), en("odd site type")),
                (odd, sk("inScheme"), r("other-scheme")),
                (odd, sk("definition"), en("A site type of no known scheme.")),
            ]
            triples += [(r("other-scheme"), A, sk("ConceptScheme"))]
        self.graph(f"The delegation visited {label} and signed agreements.", triples)

    def person(self, i: int, organizer: str) -> str:
        person, post = self.name(f"person-{i}"), self.name(f"post-{i}")
        name = f"Person {self.m}-{i}"
        triples: list[Triple] = [
            (person, A, iri(FOAF + "Person")),
            (post, A, o("Post")),
            (post, o("heldBy"), person),
            (post, o("postIn"), organizer),
            (post, sk("prefLabel"), en("director" if i == 0 else "deputy director")),
            (post, k("asStatedIn"), self.article),
        ]
        if not (i == 0 and self.bad("minCount")):
            triples.append((person, iri(FOAF + "name"), lit(name)))
        if i == 0 and self.bad("maxCount"):
            triples.append((post, o("postIn"), self.name("delegation")))
        self.graph(f"{name} is the director.", triples)
        return person

    def quotation(self, i: int, person: str, other: str, mission: str, total: str) -> None:
        quote, claim = self.name(f"quote-{i}"), self.name(f"claim-{i}")
        said = f"we will develop {self.words(4)} with our partners"
        text = f"As {self.words(2)} goes, {said}."
        if i == 0:
            text += " More than 20 cooperation agreements were signed."
        claim_text = "something never said" if i == 0 and self.bad("sparql-verbatim") else said
        quoted = text + " So we said." if i == 0 and self.bad("sparql-quote-sentence") else text
        triples: list[Triple] = [
            (quote, A, s("Quotation")),
            (quote, k("speechMode"), k("DirectSpeech")),
            (quote, s("creator"), person),
            (quote, s("isBasedOn"), self.article),
            (quote, k("inSentence"), self.next_graph()),
            (quote, s("about"), mission),
            (quote, s("text"), en(quoted)),
            (claim, A, k("Claim")),
            (claim, k("statedIn"), quote),
            (claim, s("creator"), other if i == 0 and self.bad("sparql-claim-creator") else person),
            (claim, s("about"), mission),
            (claim, s("text"), en(claim_text)),
            (claim, sk("prefLabel"), en(f"Claim {self.m}-{i}")),
        ]
        if i == 0:
            count, quantity = self.name("claim-agreements-signed"), self.name("agreements-signed-count")
            low, high = (40, 30) if self.bad("lessThanOrEquals") else (21, 30)
            triples += [
                (count, A, k("Claim")),
                (count, k("statedIn"), quote),
                (count, s("creator"), person),
                (count, s("about"), total),
                (count, s("text"), en("More than 20 cooperation agreements were signed")),
                (count, k("claimedCount"), quantity),
                (quantity, A, s("QuantitativeValue")),
                (quantity, s("value"), integer(25)),
                (quantity, s("minValue"), integer(low)),
                (quantity, s("maxValue"), integer(high)),
                (quantity, k("sourceWording"), en("More than 20")),
                (quantity, s("unitText"), lit("cooperation agreements")),
            ]
        number = 1 if i == 0 and self.bad("sparql-sentence-number") else None
        self.graph(text, triples, quoted_from=person, number=number)
        if i == 0 and self.bad("maxCount-sentenceText"):
            g = iri(f"{KGG}m{self.m}-s{self.sentence:02d}")
            self.quads.append(f"{g} {k('sentenceText')} {en('A second text.')} {g} .\n")

    def plenary(self, mission: str, delegation: str, start: str) -> None:
        plenary = self.name("plenary")
        triples: list[Triple] = [
            (plenary, A, k("PlenarySession")),
            (plenary, k("isFinalEvent"), lit("true", datatype=XSD + "boolean")),
            (plenary, s("participant"), delegation),
            (plenary, s("superEvent"), mission),
            (plenary, s("startDate"), start),
            (plenary, sk("prefLabel"), en(f"Final plenary session of mission {self.m}")),
            (mission, s("subEvent"), plenary),
        ]
        if self.bad("sparql-acyclic"):
            triples.append((plenary, s("subEvent"), mission))
            triples.append((mission, s("superEvent"), plenary))
        self.graph("The final event of the mission was a plenary session.", triples)


def shared() -> list[str]:
    """Countries, the union of states and the news site, each in a reference record."""
    g = iri(KGG + "reference-shared")
    triples: list[Triple] = [
        (g, A, k("ReferenceRecord")),
        (g, k("sentenceText"), en("Countries, the Union State and the news site.")),
        (g, pv("wasDerivedFrom"), r("source-news-example-org")),
        (r("source-news-example-org"), A, s("WebSite")),
        (r("source-news-example-org"), s("name"), lit("news.example.org")),
        (r("source-news-example-org"), s("url"), iri("http://news.example.org/")),
        (r("union-state"), A, k("StateUnion")),
        (r("union-state"), sk("prefLabel"), en("Union State")),
        (r("union-state"), k("memberState"), r("country-0")),
        (r("union-state"), k("memberState"), r("country-1")),
    ]
    for c in range(COUNTRIES):
        triples += [
            (r(f"country-{c}"), A, s("Country")),
            (r(f"country-{c}"), sk("prefLabel"), en(f"Country {c}")),
        ]
    return [f"{a} {b} {c} {g} .\n" for a, b, c in triples]


def vocabulary() -> list[str]:
    """The project's ontology, in the ontology graph, as N-Quads lines."""
    from kg.project import ProjectFiles, find_root, ontology_quads

    files = ProjectFiles(find_root(Path(__file__).resolve().parent.parent))
    return [f"{q.subject} {q.predicate} {q.object} {q.graph_name} .\n" for q in ontology_quads(files)]


def missions(seed: int, violations: float, first: int = 0, link_to: int | None = None) -> Iterator[list[str]]:
    """The quads of mission ``first``, ``first + 1``, ... (endless)."""
    index = first
    while True:
        rng = random.Random(f"{seed}:{index}")
        broken = frozenset(kind for kind in VIOLATIONS if rng.random() < violations)
        yield Mission(index, rng, broken, link_to).build()
        index += 1


def generate(
    triples: int,
    seed: int,
    violations: float,
    write: Callable[[str], object],
    *,
    header: bool = True,
    first: int = 0,
    link_to: int | None = None,
) -> tuple[int, int]:
    """Write at least ``triples`` quads (whole missions). Returns (quads, missions)."""
    count = 0
    if header:
        for block in (vocabulary(), shared()):
            for line in block:
                write(line)
            count += len(block)
    done = 0
    for quads in missions(seed, violations, first, link_to):
        if count >= triples and done:
            break
        for line in quads:
            write(line)
        count += len(quads)
        done += 1
    return count, done


def parse_size(text: str) -> int:
    """``100k``, ``1M``, ``10M`` or a plain number."""
    scale = {"k": 1_000, "m": 1_000_000}
    last = text[-1].lower()
    if last in scale:
        return int(float(text[:-1]) * scale[last])
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=parse_size, required=True, help="e.g. 100k, 1M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--violations",
        type=float,
        default=0.0,
        help="probability, per mission and kind, of an injected violation",
    )
    parser.add_argument("--output", type=Path, help="N-Quads file (default: standard output)")
    parser.add_argument(
        "--first-mission",
        type=int,
        default=0,
        help="number of the first mission (a later batch, e.g. a change)",
    )
    parser.add_argument(
        "--link-to", type=int, help="reuse the organizer and delegation of this existing mission"
    )
    parser.add_argument(
        "--no-header", action="store_true", help="leave out the vocabulary and the shared countries"
    )
    args = parser.parse_args(argv)
    sink: TextIO
    with (
        args.output.open("w", encoding="utf-8", buffering=1 << 20) if args.output else nullcontext(sys.stdout)
    ) as sink:
        quads, count = generate(
            args.triples,
            args.seed,
            args.violations,
            sink.write,
            header=not args.no_header,
            first=args.first_mission,
            link_to=args.link_to,
        )
    print(f"{quads} quads, {count} missions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
