"""docs/cli.md is the commands' own help: regenerate it with
``python -m kg.cli.reference > docs/cli.md`` when a command changes."""

from __future__ import annotations

from conftest import ROOT
from kg.cli import cli
from kg.cli.reference import reference


def test_the_reference_is_what_the_commands_say() -> None:
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == reference()


def test_the_reference_covers_every_command_and_every_option() -> None:
    text = reference()
    for name, command in cli.commands.items():
        assert f"## kg {name}\n" in text
        for parameter in command.params:
            for option in getattr(parameter, "opts", []):
                if option.startswith("--"):
                    assert option in text, (name, option)


def test_the_export_help_names_the_formats_export_writes() -> None:
    from kg.api import EXPORT_FORMATS
    from kg.cli.export import FORMATS

    assert FORMATS == EXPORT_FORMATS


def test_the_input_cap_default_is_the_librarys() -> None:
    from kg.cli.validate import MAX_INPUT_BYTES
    from kg.rdfio import MAX_INPUT_BYTES as LIBRARY

    assert MAX_INPUT_BYTES == LIBRARY
