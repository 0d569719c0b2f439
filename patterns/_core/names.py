"""Physical names that must be unique in an account and region: claimed at construction, so that two
constructs giving the same name fail in ``cdk synth``, naming both, instead of in the second deploy."""

from __future__ import annotations

import weakref
from typing import Any

from aws_cdk import Stack
from constructs import Construct

from .validation import Problems, is_token

_CLAIMS: weakref.WeakKeyDictionary[Any, dict[tuple[str, str, str, str], str]] = weakref.WeakKeyDictionary()


def _environment(scope: Construct) -> tuple[str, str]:
    stack = Stack.of(scope)
    # An environment-agnostic stack may deploy anywhere: it shares the one "unknown" environment.
    account = "?" if is_token(stack.account) else stack.account
    region = "?" if is_token(stack.region) else stack.region
    return account, region


def _same_owner(first: str, second: str) -> bool:
    """One construct path, or a construct and one inside it (a composite that checks its parts' names
    up front, then the part itself)."""
    return first == second or second.startswith(first + "/") or first.startswith(second + "/")


def claim_name(problems: Problems, scope: Construct, kind: str, argument: str, name: str) -> None:
    """Record that ``scope`` names a ``kind`` (``"SSM parameter"``) ``name`` in its stack's account and
    region; a second claim of the same name in the same app and environment is a problem of
    ``argument`` that names both construct paths. Tokens are not checked."""
    if not isinstance(name, str) or is_token(name):
        return
    root = scope.node.root
    try:
        claims = _CLAIMS.setdefault(root, {})
    except TypeError:  # an object that takes no weak reference: nothing to compare with
        return
    key = (*_environment(scope), kind, name)
    owner = claims.get(key)
    if owner is not None and not _same_owner(owner, scope.node.path):
        problems.add(
            argument,
            name,
            f"the {kind} {name!r} is already used by {owner} in the same account and region; "
            "give each construct its own name",
        )
    elif owner is None and not problems:
        claims[key] = scope.node.path
