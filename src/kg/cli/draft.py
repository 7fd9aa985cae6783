"""``kg init`` and ``kg draft``: start a project, and draft the next article for review
(the library is ``kg.scaffold`` and ``kg.draft``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.context import Context, errors
from kg.errors import UsageError


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--from-bundled", is_flag=True, help="Copy the bundled graph (its data too) instead of starting empty."
)
@errors
def init_command(directory: Path, from_bundled: bool) -> None:
    """Create a project folder: ontology/ and queries/, empty data/ and drafts/.

    \b
    Examples:
      kg init my-graph
      kg init my-graph --from-bundled
    """
    from kg.scaffold import init_project

    created = init_project(directory, from_bundled=from_bundled)
    click.echo(created.summary())


@click.command("draft")
@click.argument("article", type=click.Path(path_type=Path))
@click.option("--url", required=True, help="The article's address (schema:url).")
@click.option(
    "--headline", help="The headline, if the article has one (default: the first line, when it is one)."
)
@click.option(
    "--publisher",
    metavar="IRI|NAME",
    help="The publisher: an IRI, or the name of an organization the graph knows.",
)
@click.option("--date", metavar="YYYY-MM-DD", help="The publication date, only if stated.")
@click.option(
    "--lang", "language", default="en", show_default=True, help="The article's language (a BCP 47 tag)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Where to write the draft (default: drafts/<article name>.trig).",
)
@click.option("--force", is_flag=True, help="Replace a draft that is already there.")
@click.option(
    "-f",
    "--format",
    "fmt",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json"]),
    help="Review summary format.",
)
@click.pass_obj
@errors
def draft_command(
    obj: Context,
    article: Path,
    url: str,
    headline: str | None,
    publisher: str | None,
    date: str | None,
    language: str,
    output: Path | None,
    force: bool,
    fmt: str,
) -> None:
    """Draft ARTICLE.txt as TriG for review: sentences, known entities, candidates, facts.

    \b
    Example:
      kg --project my-graph draft article.txt --url https://example.org/news/1 --publisher "ACTP RF"
    """
    from kg.draft import draft_file
    from kg.draft.summary import to_json, to_text

    project = obj.project
    if output is None and project.files.is_bundled:
        raise UsageError(
            "the bundled project is read-only: create one with `kg init DIR` and "
            "pass --project DIR (or give --output)"
        )
    written = draft_file(
        project,
        article,
        url=url,
        headline=headline,
        publisher=publisher,
        date=date,
        language=language,
        output=output,
        force=force,
    )
    report = to_json if fmt == "json" else to_text
    sys.stdout.write(report(written.draft, written.path))


commands = [init_command, draft_command]
