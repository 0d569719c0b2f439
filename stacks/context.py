"""Reading example-stack settings from CDK context (``cdk synth -c key=value``) with documented defaults."""

from __future__ import annotations

from constructs import Construct


def text(scope: Construct, key: str, default: str) -> str:
    value = scope.node.try_get_context(key)
    return default if value is None else str(value)


def text_list(scope: Construct, key: str, default: list[str]) -> list[str]:
    """A list from context: a JSON list in cdk.json, or comma-separated on the command line."""
    value = scope.node.try_get_context(key)
    if value is None:
        return list(default)
    if isinstance(value, list):
        return [str(v) for v in value]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def number(scope: Construct, key: str, default: int) -> int:
    value = scope.node.try_get_context(key)
    if value is None:
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"context {key}={value!r}: must be an integer") from error


def flag(scope: Construct, key: str, *, default: bool) -> bool:
    """A boolean from context: ``-c key=false`` (or ``0``, ``no``) turns it off, anything else on."""
    value = scope.node.try_get_context(key)
    if value is None:
        return default
    return str(value).strip().lower() not in ("false", "0", "no", "off")
