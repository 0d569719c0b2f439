"""Account-and-region singletons: resources that exist once per account and region (the AWS Config
recorder and delivery channel, the Session Manager preferences document).

A second one in the same environment fails at deploy with an error that names neither construct
(``MaxNumberOfConfigurationRecordersExceededException``, ``DocumentAlreadyExists``). ``claim`` makes
that a construction error naming both construct paths, before anything reaches CloudFormation.
"""

from __future__ import annotations

from aws_cdk import Stack, Token
from constructs import Construct

_REGISTRY = "_cdp_patterns_singletons"


def _environment(scope: Construct) -> tuple[str | None, str | None]:
    stack = Stack.of(scope)
    account = None if Token.is_unresolved(stack.account) else stack.account
    region = None if Token.is_unresolved(stack.region) else stack.region
    return account, region


def _may_coincide(first: str | None, second: str | None) -> bool:
    """Two environment parts may be the same: equal, or one of them is decided at deploy time."""
    return first is None or second is None or first == second


def _describe(environment: tuple[str | None, str | None]) -> str:
    account, region = environment
    return f"account {account or '(deploy-time account)'}, region {region or '(deploy-time region)'}"


def claim(owner: Construct, resource: str, switch: str) -> None:
    """Record that ``owner`` creates ``resource`` (once per account and region); raise a ValueError naming
    both construct paths if another construct of this app already creates it where ``owner``'s stack
    may deploy (same account and region; an env-agnostic stack may deploy anywhere). ``switch`` names
    the argument that turns creation off."""
    root = owner.node.root
    claims: dict[str, list[tuple[Construct, tuple[str | None, str | None]]]] = root.__dict__.setdefault(
        _REGISTRY, {}
    )
    environment = _environment(owner)
    for other, other_environment in claims.get(resource, []):
        if _may_coincide(environment[0], other_environment[0]) and _may_coincide(
            environment[1], other_environment[1]
        ):
            raise ValueError(
                f"{type(owner).__name__} {owner.node.path}: {resource} can exist once per account and region, "
                f"and {other.node.path} already creates it ({_describe(other_environment)}); "
                f"pass {switch} to one of them"
            )
    claims.setdefault(resource, []).append((owner, environment))
