"""What every command shares: the options of the ``kg`` group, the project opened on first use,
the translation of errors into one line and an exit code, and output helpers.

Command modules import this module; nothing imports them back but :mod:`kg.cli`, which
registers them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kg.errors import KgError, UsageError
from kg.formats import RDF_FORMAT_NAMES, listed

if TYPE_CHECKING:
    from kg.api import Project
    from kg.store.factory import StoreOptions

F = TypeVar("F", bound=Callable[..., Any])

input_format_option = click.option(
    "-i",
    "--input-format",
    metavar="FORMAT",
    help=f"RDF format of the input files: {listed(RDF_FORMAT_NAMES)}, or a media type "
    "(default: by extension).",
)
"""``-i/--input-format``: the format of the RDF a command reads (``-f`` is always the output)."""
base_option = click.option(
    "--base", metavar="IRI", help="Base IRI that relative IRIs in the input files resolve against."
)
"""``--base IRI``, on every command that reads RDF (as riot, Oxigraph and rdflib take one)."""


class Context:
    """Options every command shares; the project is opened on first use."""

    def __init__(self, project: Path | None, store: StoreOptions, debug: bool) -> None:
        self.project_path = project
        self.store_options = store
        self.debug = debug
        self._project: Project | None = None

    @property
    def project(self) -> Project:
        if self._project is None:
            from kg.api import open_project
            from kg.store.factory import open_store

            store = open_store(self.store_options, self.project_path)
            self._project = open_project(self.project_path, store=store)
        return self._project


def errors(func: F) -> F:
    """Turn a ``kg`` error into one line on stderr and its exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = bool(ctx.obj and ctx.obj.debug)
        try:
            return func(*args, **kwargs)
        except KgError as error:
            if debug:
                raise
            click.echo(f"kg: error: {error.cli_message}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("kg: interrupted; nothing was changed", err=True)
            ctx.exit(130)
        return None

    return wrapper  # type: ignore[return-value]


def write(data: bytes, output: Path | None) -> None:
    """``data`` to standard output, or into the file ``output``."""
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as error:
        raise UsageError(f"{output}: cannot write ({error.strerror})") from None


def parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--param takes NAME=VALUE (got {item!r})")
        params[name.strip()] = value
    return params
