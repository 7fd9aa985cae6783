"""Store commands: ``kg load``, ``kg build``, ``kg dump``."""

from __future__ import annotations

import click

store_commands: list[click.Command] = []
