"""Composite constructs (``ServerlessWebApp``) check the arguments of the public constructs they build
up front, under the names their caller used, so that one error lists every problem of every part.

Each inner construct exposes a static ``check(problems, scope, **arguments)`` that holds its value
checks; the composite runs it with ``RenamedProblems`` before building anything::

    problems = Problems("ServerlessWebApp")
    ApiBackend.check(RenamedProblems(problems, {"domain_prefix": "auth_domain_prefix"}), self, ...)
    problems.raise_if_any()
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .validation import Problems

_LEADING_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*")


class RenamedProblems(Problems):
    """Records into ``parent`` under the caller's argument names: the leading name of each recorded
    argument (``domain_prefix`` in ``domain_prefix``, ``identity_providers`` in
    ``identity_providers[0].client_id``) is replaced through ``names``; names not in ``names`` are
    the composite's own wiring and are marked as such (a bug of the composite, not of its caller)."""

    def __init__(self, parent: Problems, names: Mapping[str, str], *, wired: str = "") -> None:
        super().__init__(parent.owner)
        self.parent = parent
        self.names = dict(names)
        self.wired = wired

    def __bool__(self) -> bool:
        return bool(self.parent)

    def add(self, argument: str, value: Any, reason: str) -> None:
        match = _LEADING_NAME.match(argument)
        if match is None:
            self.parent.add(argument, value, reason)
            return
        name = match.group(0)
        renamed = self.names.get(name)
        if renamed is None:
            renamed = f"{self.wired}{name}" if self.wired else name
        self.parent.add(renamed + argument[match.end() :], value, reason)

    def raise_if_any(self) -> None:
        self.parent.raise_if_any()
