"""Container environments: configuration as text, credentials only through secrets (ECS and Batch)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .validation import Problems, is_token

SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN", "KEY")
"""An environment variable whose name contains one of these must come from ``secrets=``, not as text."""

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_environment(problems: Problems, environment: Mapping[str, str], secrets: Mapping[str, Any]) -> None:
    """Configuration goes in the environment, credentials in ``secrets``: refuse literal secret-looking
    values (never printed) and names given in both."""
    for name, value in environment.items():
        problems.require(
            bool(_NAME.fullmatch(name)),  # fullmatch: "$" also matches before a trailing newline
            "environment",
            name,
            "variable names are letters, digits and underscores, not starting with a digit",
        )
        upper = name.upper()
        word = next((w for w in SECRET_WORDS if w in upper), None)
        if word is not None and not is_token(value):
            problems.add(
                f"environment[{name!r}]",
                "***",
                f"looks like a secret (name contains {word}) given as plain text, which would be readable in "
                "the task definition; pass it with secrets={...: ecs.Secret.from_secrets_manager(...) or "
                "ecs.Secret.from_ssm_parameter(...)}",
            )
        if name in secrets:
            problems.add("environment", name, "is also given in secrets; pass it once")
