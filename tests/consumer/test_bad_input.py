"""Bad input to every public construct: a clear error at construction, never a raw jsii trace.

Two layers:
- every argument of every public construct, given a value of the wrong type (derived from its
  annotation): one ``InvalidArgumentsError`` naming the construct and the argument;
- Hypothesis: generated wrong values (wrong types, None, empty, negative, huge, malformed strings,
  tokens), one or two arguments at a time. Each outcome is either a template that synthesizes (and, in
  ``make fuzz``, passes cfn-lint) or a ``ValueError``/``TypeError`` naming the construct and an
  argument. Deterministic in ``make test`` (derandomized, bounded); ``make fuzz`` runs it longer.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import os
import typing
from collections.abc import Iterable, Mapping
from typing import Any

import pytest
from aws_cdk import App, Aws, Duration, Environment, Stack, Token
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import patterns
from patterns._core.arguments import _hints_of, _jsii_interface
from tests.consumer.catalog import AFTER, CATALOG, REGION, Shared
from tests.support import cfn_lint

FUZZ = os.environ.get("CDP_FUZZ") == "1"
"""``make fuzz`` sets it: many more examples, and cfn-lint on every template that synthesizes."""

SKIPPED = {"self", "scope", "id"}


def parameters(name: str) -> list[str]:
    signature = inspect.signature(getattr(patterns, name).__init__)
    return [p for p in signature.parameters if p not in SKIPPED]


def wrong_value(hint: Any) -> Any:
    """A value that is certainly not of type ``hint`` (None when the library cannot tell)."""
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:  # DeployTimeList: a Sequence[str] that may be a list token
        return wrong_value(typing.get_args(hint)[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if any(arg is str for arg in options):
            return 3.5 if not any(arg in (int, float) for arg in options) else object()
        return wrong_value(options[0])
    if origin is typing.Literal:
        return "not-a-choice"
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping):
        return ["not", "a", "mapping"]
    if origin is not None and isinstance(origin, type) and issubclass(origin, Iterable):
        return "a bare string"
    if hint is bool:
        return "yes"
    if hint in (int, float):
        return "3"
    if hint is str:
        return 123
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return "NOT_A_MEMBER"
    if isinstance(hint, type) and (_jsii_interface(hint) or hasattr(hint, "__jsii_type__")):
        return 30 if hint.__name__ == "Duration" else "not-an-object"
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return {"not": "a dataclass"}
    return None


CASES = [
    (name, parameter)
    for name in sorted(CATALOG)
    for parameter in parameters(name)
    if wrong_value(_hints_of(getattr(patterns, name).__init__).get(parameter, Any)) is not None
]


@pytest.fixture(scope="module")
def app_stacks() -> dict[str, tuple[Stack, Shared]]:
    app = App()
    stacks = {}
    for region in ("eu-west-1", *set(REGION.values())):
        stack = Stack(app, f"BadInput-{region}", env=Environment(region=region))
        stacks[region] = (stack, Shared(stack))
    return stacks


@pytest.mark.parametrize(("name", "parameter"), CASES, ids=[f"{n}.{p}" for n, p in CASES])
def test_wrong_type_is_refused_naming_the_argument(
    app_stacks: dict[str, tuple[Stack, Shared]], name: str, parameter: str
) -> None:
    stack, shared = app_stacks[REGION.get(name, "eu-west-1")]
    construct = getattr(patterns, name)
    value = wrong_value(_hints_of(construct.__init__)[parameter])
    kwargs = {**CATALOG[name](shared), parameter: value}
    with pytest.raises((ValueError, TypeError)) as raised:
        construct(stack, "Subject", **kwargs)
    message = str(raised.value)
    assert message.startswith(f"{name}: invalid arguments:"), message
    assert f"  - {parameter}" in message, message
    assert stack.node.try_find_child("Subject") is None  # nothing left behind


def test_every_public_construct_has_bad_input_cases() -> None:
    assert {name for name, _ in CASES} == set(CATALOG)


NASTY: list[Any] = [
    None,
    "",
    " ",
    "x",
    "3",
    "-1",
    "a" * 300,
    "10.0.0.0/8",
    "arn:aws:sns:us-east-1:111122223333:topic",
    "ünïcødé",
    -1,
    0,
    1,
    2**40,
    -(2**40),
    0.5,
    float("inf"),
    True,
    False,
    [],
    [""],
    ["x", "x"],
    {},
    {"": ""},
    Duration.seconds(0),
    Duration.days(10_000),
]


def tokens() -> list[Any]:
    return [
        Aws.ACCOUNT_ID,
        Token.as_number(Aws.ACCOUNT_ID),
        Token.as_list(Aws.NOTIFICATION_ARNS),
        Duration.seconds(Token.as_number(Aws.ACCOUNT_ID)),
    ]


ARGUMENTS = [(name, parameter) for name in sorted(CATALOG) for parameter in parameters(name)]


def outcome(name: str, changes: dict[str, Any]) -> None:
    """Build ``name`` with ``changes`` over its catalog arguments in a fresh bare app; assert the outcome."""
    app = App()
    region = REGION.get(name, "eu-west-1")
    stack = Stack(app, "Fuzz", env=Environment(region=region))
    shared = Shared(stack)
    kwargs = {**CATALOG[name](shared), **changes}
    try:
        made = getattr(patterns, name)(stack, "Subject", **kwargs)
    except (ValueError, TypeError) as error:
        message = str(error)
        assert message.startswith(f"{name}: "), message
        assert any(parameter in message for parameter in changes), message
        return
    if name in AFTER:  # what a user adds next to it (CloudFrontAlarms alone builds nothing)
        AFTER[name](shared, made)
    template = app.synth().get_stack_by_name("Fuzz").template
    if FUZZ:
        matches = cfn_lint(template, region=region)
        if any(Token.is_unresolved(value) for value in changes.values()):
            # W1030 checks the value a Ref resolves to: the fuzz's token is the account id standing in
            # for any deploy-time value (a CfnParameter), which cfn-lint then finds malformed.
            matches = [match for match in matches if "W1030" not in match]
        assert matches == []


@settings(
    max_examples=400 if FUZZ else 12,
    derandomize=not FUZZ,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
@given(data=st.data())
def test_generated_wrong_values(data: st.DataObject) -> None:
    name, parameter = data.draw(st.sampled_from(ARGUMENTS), label="argument")
    pool = NASTY + tokens()
    changes = {parameter: data.draw(st.sampled_from(pool), label="value")}
    if data.draw(st.booleans(), label="pair"):
        other = data.draw(st.sampled_from(parameters(name)), label="second argument")
        changes[other] = data.draw(st.sampled_from(pool), label="second value")
    outcome(name, changes)
