"""``kg init`` and ``kg draft``: start a project, and draft the next article for review
(the library is ``kg.scaffold`` and ``kg.draft``)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from kg.errors import KgError, UsageError

F = TypeVar("F", bound=Callable[..., Any])


def _one_line(func: F) -> F:
    """A ``kg`` error becomes one line on stderr and its exit code (a traceback with --debug)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        try:
            return func(*args, **kwargs)
        except KgError as error:
            if ctx.obj is not None and getattr(ctx.obj, "debug", False):
                raise
            click.echo(f"kg: error: {error}", err=True)
            ctx.exit(error.exit_code)
        return None

    return wrapper  # type: ignore[return-value]


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--from-bundled", is_flag=True, help="Copy the bundled graph (its data too) instead of starting empty."
)
@_one_line
def init_command(directory: Path, from_bundled: bool) -> None:
    """Create a project folder: ontology/ and queries/, empty data/ and drafts/."""
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
@_one_line
def draft_command(
    obj: Any,
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
    """Draft ARTICLE.txt as TriG for review: sentences, known entities, candidates, facts."""
    from kg.draft import draft_file
    from kg.draft.summary import to_json, to_text
    from kg.project import bundled_root

    project = obj.project
    bundled = project.files.is_bundled or project.files.root.resolve() == bundled_root().resolve()
    if output is None and bundled:
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


def register(group: click.Group) -> None:
    """Add ``kg init`` and ``kg draft`` to the ``kg`` command group."""
    group.add_command(init_command)
    group.add_command(draft_command)
