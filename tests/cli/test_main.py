"""The command group: every command listed, each module imported only when needed."""

from __future__ import annotations

import subprocess
import sys

import click
from click.testing import CliRunner

from plateplug.cli import COMMANDS, main


def test_every_listed_command_loads_under_its_name():
    assert {name: command.name for name, command in main.all_commands.items()} == \
        {name: name for name in COMMANDS}
    assert main.get_command(click.Context(main), "no-such-command") is None


def test_help_lists_every_command_and_an_unknown_one_is_a_usage_error():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0 and all(name in result.output for name in COMMANDS)
    result = CliRunner().invoke(main, ["enhnace"])
    assert result.exit_code == 2 and "No such command 'enhnace'" in result.output


def test_enhance_does_not_import_the_benchmark_or_training_modules():
    code = ("import sys, click; from plateplug.cli import main; "
            "main.get_command(click.Context(main), 'enhance'); "
            "print(sorted(m for m in sys.modules if m.split('.')[:2] in "
            "(['plateplug', 'bench'], ['plateplug', 'train']) or m == 'torch'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
