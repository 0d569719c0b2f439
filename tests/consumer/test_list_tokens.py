"""Deploy-time lists (a ``CommaDelimitedList`` parameter, ``Token.as_list``) given to every list argument
of every public construct: a ``DeployTimeList`` argument passes it on whole (the template synthesizes
with the parameter's ``Ref``); any other list argument is refused with one clear line, because the
construct checks or builds something for each item at synthesis."""

from __future__ import annotations

import collections.abc
import json
import types
import typing
from typing import Any

import pytest
from aws_cdk import App, CfnParameter, Environment, Stack

import patterns
from patterns._core.arguments import ACCEPTS_LIST_TOKEN, _hints_of
from tests.consumer.catalog import AFTER, CATALOG, REGION, Shared
from tests.consumer.test_bad_input import parameters


def _list_kind(hint: Any) -> str | None:
    """``"deploy-time"`` for a DeployTimeList, ``"literal"`` for another sequence of str, else None."""
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        base, *extras = typing.get_args(hint)
        return "deploy-time" if ACCEPTS_LIST_TOKEN in extras else _list_kind(base)
    if origin in (typing.Union, types.UnionType):
        kinds = {_list_kind(arg) for arg in typing.get_args(hint)} - {None}
        return kinds.pop() if kinds else None
    if origin in (collections.abc.Sequence, list, tuple) and typing.get_args(hint)[:1] == (str,):
        return "literal"
    return None


CASES = [
    (name, parameter, kind)
    for name in sorted(CATALOG)
    for parameter in parameters(name)
    if (kind := _list_kind(_hints_of(getattr(patterns, name).__init__).get(parameter))) is not None
]


def _build(name: str, parameter: str) -> tuple[App, Stack, list[str]]:
    app = App()
    stack = Stack(app, "Lists", env=Environment(region=REGION.get(name, "eu-west-1")))
    shared = Shared(stack)
    values = CfnParameter(stack, "Values", type="CommaDelimitedList").value_as_list
    made = getattr(patterns, name)(stack, "Subject", **{**CATALOG[name](shared), parameter: values})
    if name in AFTER:
        AFTER[name](shared, made)
    return app, stack, values


def test_the_cases_cover_both_kinds() -> None:
    kinds = [kind for _, _, kind in CASES]
    assert kinds.count("deploy-time") == 9
    assert kinds.count("literal") >= 15


@pytest.mark.parametrize(
    ("name", "parameter"),
    [(n, p) for n, p, kind in CASES if kind == "literal"],
    ids=[f"{n}.{p}" for n, p, kind in CASES if kind == "literal"],
)
def test_a_deploy_time_list_is_refused_where_each_item_matters(name: str, parameter: str) -> None:
    with pytest.raises(ValueError) as raised:
        _build(name, parameter)
    message = str(raised.value)
    assert message.startswith(f"{name}: invalid arguments:\n")
    assert f"  - {parameter}=['#{{Token[" in message
    assert (
        "must be a literal list: the construct checks or builds something for each item at synthesis, so a "
        "deploy-time list (a CommaDelimitedList parameter, Token.as_list) cannot set it"
    ) in message


@pytest.mark.parametrize(
    ("name", "parameter"),
    [(n, p) for n, p, kind in CASES if kind == "deploy-time"],
    ids=[f"{n}.{p}" for n, p, kind in CASES if kind == "deploy-time"],
)
def test_a_deploy_time_list_is_passed_on_whole(name: str, parameter: str) -> None:
    app, stack, _ = _build(name, parameter)
    template = app.synth().get_stack_by_name(stack.stack_name).template
    assert '{"Ref": "Values"}' in json.dumps(template)
