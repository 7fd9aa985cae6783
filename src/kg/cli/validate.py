"""``kg validate``, ``kg add`` and ``kg retract``: the one judge, from the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli.context import Context, base_option, errors, input_format_option
from kg.errors import EXIT_NONCONFORMING, UsageError, ValidationFailed

if TYPE_CHECKING:
    from kg.validate.report import ValidationReport

SEVERITY = click.Choice(["violation", "warning", "info"])
MAX_INPUT_BYTES = 256 * 1024 * 1024
"""The default of --max-input-bytes (``kg.rdfio.MAX_INPUT_BYTES``; named here for a fast
``--help``)."""
max_input_bytes_option = click.option(
    "--max-input-bytes",
    type=click.IntRange(min=1),
    default=MAX_INPUT_BYTES,
    show_default=True,
    metavar="BYTES",
    help="Refuse an input file larger than this (load big files with `kg load`).",
)


def _emit(report: ValidationReport, fmt: str) -> None:
    if fmt == "json":
        click.echo(report.to_json(), nl=False)
    elif fmt == "ttl":
        click.echo(report.to_turtle(), nl=False)
    else:
        click.echo(report.to_text(), nl=False)


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--standalone", is_flag=True, help="Validate the files alone, not in context.")
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Validate the whole graph (no files): every shape, every provenance rule.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    default="human",
    show_default=True,
    type=click.Choice(["human", "json", "ttl"]),
    help="Report format.",
)
@input_format_option
@base_option
@click.option(
    "--fail-on",
    default="violation",
    show_default=True,
    type=SEVERITY,
    help="Lowest severity that makes the data not conform (`warning`: also "
    "warnings, as pySHACL --allow-info; `info`: any finding, as pySHACL).",
)
@max_input_bytes_option
@click.pass_obj
@errors
def validate_command(
    obj: Context,
    files: tuple[Path, ...],
    standalone: bool,
    everything: bool,
    fmt: str,
    input_format: str | None,
    base: str | None,
    fail_on: str,
    max_input_bytes: int,
) -> None:
    """Validate FILES against the shapes, in the context of the graph, exactly as `kg add`
    would judge them.

    Exit 0: conforms (no finding at or above --fail-on); 1: does not conform; 2: bad input.
    pySHACL exits 1 on any finding, Info included, unless told otherwise: `--fail-on info` is
    its default, `--fail-on warning` its --allow-info, and kg's default its --allow-warnings.

    \b
    Examples:
      kg validate new-article.trig
      kg validate --all --format json
    """
    project = obj.project
    if everything:
        if files or standalone:
            raise UsageError("--all validates the whole graph: give no files and no --standalone")
        report = project.validate_graph()
        report.fail_on = fail_on.capitalize()
    else:
        if not files:
            raise UsageError("nothing to validate: give one or more files (or --all)")
        report = project.validate(
            files,
            fmt=input_format,
            standalone=standalone,
            fail_on=fail_on,
            base=base,
            max_bytes=max_input_bytes,
        )
    _emit(report, fmt)
    sys.exit(0 if report.conforms else EXIT_NONCONFORMING)


@click.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@input_format_option
@base_option
@click.option(
    "--fail-on",
    default="violation",
    show_default=True,
    type=SEVERITY,
    help="Lowest severity that refuses the data.",
)
@max_input_bytes_option
@click.pass_obj
@errors
def add_command(
    obj: Context,
    files: tuple[Path, ...],
    input_format: str | None,
    base: str | None,
    fail_on: str,
    max_input_bytes: int,
) -> None:
    """Validate FILES in context and, only if they conform, add them to data/ and the store.

    \b
    Example:
      kg --project my-graph add new-article.trig
    """
    try:
        outcome = obj.project.add(
            files, fmt=input_format, fail_on=fail_on, base=base, max_bytes=max_input_bytes
        )
    except ValidationFailed as refused:
        click.echo(refused.report.to_text(), nl=False)
        click.echo(f"kg: not added: {refused}", err=True)
        sys.exit(EXIT_NONCONFORMING)
    click.echo(outcome.summary())


@click.command("retract")
@click.argument("source")
@click.option(
    "--with-inferences",
    is_flag=True,
    help="Also remove the inference graphs that rest on the source's sentences.",
)
@click.option(
    "--fail-on",
    default="violation",
    show_default=True,
    type=SEVERITY,
    help="Lowest severity (in what is left) that refuses the retraction.",
)
@click.pass_obj
@errors
def retract_command(obj: Context, source: str, with_inferences: bool, fail_on: str) -> None:
    """Remove SOURCE (an IRI or CURIE) and every graph derived from it, from data/ and the
    store, all or nothing; refused if what is left would not conform.

    \b
    Example:
      kg --project my-graph retract kgr:actp-rf-business-mission-results
    """
    try:
        outcome = obj.project.retract(source, with_inferences=with_inferences, fail_on=fail_on)
    except ValidationFailed as refused:
        click.echo(refused.report.to_text(), nl=False)
        click.echo(f"kg: not retracted: {refused}", err=True)
        sys.exit(EXIT_NONCONFORMING)
    click.echo(outcome.summary())


commands = [validate_command, add_command, retract_command]
