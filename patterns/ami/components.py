"""Image Builder components from plain shell steps: the same commands a user-data script would run,
baked into the image once instead of run on every boot."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .._core import Problems, is_token

_STEP_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


@dataclass(frozen=True)
class ShellStep:
    """A named step of shell commands (``ExecuteBash``), run in order; a failing command fails the build."""

    name: str
    commands: Sequence[str]


def check_steps(problems: Problems, argument: str, steps: Sequence[ShellStep], *, required: bool) -> None:
    """Record empty step lists, empty or duplicate step names, and steps with no (or blank) commands."""
    if required and not steps:
        problems.add(
            argument, list(steps), "needs at least one ShellStep (a component with no steps builds nothing)"
        )
    seen: set[str] = set()
    for index, step in enumerate(steps):
        where = f"{argument}[{index}]"
        if not _STEP_NAME.match(step.name):
            problems.add(f"{where}.name", step.name, "must be 1-128 letters, digits, '_' or '-'")
        elif step.name in seen:
            problems.add(f"{where}.name", step.name, "step names must be unique")
        seen.add(step.name)
        commands = list(step.commands) if not isinstance(step.commands, str) else [step.commands]
        if not commands:
            problems.add(f"{where}.commands", commands, "needs at least one command")
        for position, command in enumerate(commands):
            if not is_token(command) and not str(command).strip():
                problems.add(f"{where}.commands[{position}]", command, "must not be empty")


def component_document(name: str, description: str, phase: str, steps: Sequence[ShellStep]) -> str:
    """An AWSTOE component document (JSON, which is also YAML) with one ``ExecuteBash`` step per ShellStep."""
    document = {
        "name": name,
        "description": description,
        "schemaVersion": 1.0,
        "phases": [
            {
                "name": phase,
                "steps": [
                    {
                        "name": step.name,
                        "action": "ExecuteBash",
                        "onFailure": "Abort",
                        "inputs": {
                            "commands": [step.commands]
                            if isinstance(step.commands, str)
                            else list(step.commands)
                        },
                    }
                    for step in steps
                ],
            }
        ],
    }
    return json.dumps(document, indent=2)


def content_version(*parts: str) -> str:
    """``1.0.<n>`` with ``n`` derived from ``parts``: Image Builder components and recipes are immutable
    per name and version, so a changed document gets a new version (and a clean replacement) by itself."""
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"1.0.{int(digest[:6], 16)}"
