"""Deploy-time values given to every argument of every public construct that can hold one: a number
``CfnParameter`` to each ``int``/``float`` argument, a ``CommaDelimitedList`` parameter to each list of
strings. Run in the background process (job ``deploy-time-values``); tests/consumer/test_tokens.py
reads the outcomes."""

from __future__ import annotations

import collections.abc
import json
import types
import typing
from typing import Any

from aws_cdk import App, CfnParameter, Environment, Stack

import patterns
from patterns._core.arguments import ACCEPTS_LIST_TOKEN, _hints_of
from tests.consumer.catalog import AFTER, CATALOG, REGION, Shared


def _parameters(name: str) -> dict[str, Any]:
    hints = _hints_of(getattr(patterns, name).__init__)
    return {p: hint for p, hint in hints.items() if p not in ("self", "scope", "id", "return")}


def kind_of(hint: Any) -> str | None:
    """``number``, ``deploy-time list`` (DeployTimeList), ``list`` (another list of str), or None."""
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        base, *extras = typing.get_args(hint)
        return "deploy-time list" if ACCEPTS_LIST_TOKEN in extras else kind_of(base)
    if origin in (typing.Union, types.UnionType):
        kinds = {kind_of(arg) for arg in typing.get_args(hint)} - {None}
        return kinds.pop() if len(kinds) == 1 else None
    if hint in (int, float):
        return "number"
    if origin in (collections.abc.Sequence, list, tuple) and typing.get_args(hint)[:1] == (str,):
        return "list"
    return None


def cases() -> list[tuple[str, str, str]]:
    return [
        (name, parameter, kind)
        for name in sorted(CATALOG)
        for parameter, hint in _parameters(name).items()
        if (kind := kind_of(hint)) is not None
    ]


def outcome(name: str, parameter: str, kind: str) -> dict[str, Any]:
    """``{"refused": message}``, ``{"crashed": error}`` or ``{"referenced": bool}`` (the parameter's
    ``Ref`` is in the template)."""
    app = App()
    stack = Stack(app, "Values", env=Environment(region=REGION.get(name, "eu-west-1")))
    shared = Shared(stack)
    if kind == "number":
        value: Any = CfnParameter(stack, "Value", type="Number").value_as_number
    else:
        value = CfnParameter(stack, "Value", type="CommaDelimitedList").value_as_list
    try:
        made = getattr(patterns, name)(stack, "Subject", **{**CATALOG[name](shared), parameter: value})
    except ValueError as error:
        return {"refused": str(error)}
    try:
        if name in AFTER:
            AFTER[name](shared, made)
        template = app.synth().get_stack_by_name("Values").template
    except Exception as error:  # the product's bug: reported, not raised
        return {"crashed": f"{type(error).__name__}: {error}"[:400]}
    return {"referenced": '{"Ref": "Value"}' in json.dumps(template)}


def run() -> dict[str, Any]:
    return {
        f"{name}.{parameter}": {"kind": kind, **outcome(name, parameter, kind)}
        for name, parameter, kind in cases()
    }
