"""The command-line reference (``docs/cli.md``), written from the commands themselves.

``python -m kg.cli.reference > docs/cli.md`` writes it; a test checks the file is what this
prints, so the reference cannot drift from the commands.
"""

from __future__ import annotations

import click

WIDTH = 100


def _help(command: click.Command, path: list[str]) -> str:
    context = click.Context(
        command,
        info_name=" ".join(path),
        terminal_width=WIDTH,
        max_content_width=WIDTH,
        help_option_names=["-h", "--help"],
    )
    return command.get_help(context)


def reference() -> str:
    """The reference in Markdown: the group's help, then each command's, in name order."""
    from kg.cli import cli

    parts = [
        "# Command-line reference",
        "",
        "Every command's `--help`, as `kg` prints it. Exit codes: 0 success (or conforms), "
        "1 does not conform, 2 bad input or usage, 3 store failure, 4 a query stopped at "
        "its `--timeout`; how they relate to pySHACL's is under `kg validate`.",
        "",
        "## kg",
        "",
        "```",
        _help(cli, ["kg"]),
        "```",
        "",
    ]
    for name in sorted(cli.commands):
        parts += [f"## kg {name}", "", "```", _help(cli.commands[name], ["kg", name]), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    print(reference(), end="")
