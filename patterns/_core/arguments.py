"""Type checks at the boundary of every public construct: ``@checked_arguments`` on ``__init__``.

Every argument is checked against its annotation before the constructor runs, and every mismatch is
reported at once in one ``InvalidArgumentsError`` (a ``TypeError`` and a ``ValueError``) that names
the construct, each argument as the caller named it, and the value::

    QueueWorkerFleet: invalid arguments:
      - command='python app.py': must be a sequence of str (a list or tuple), not a single string; wrap it: ['python app.py']
      - visibility_timeout=30: must be an aws_cdk.Duration (Duration.seconds(30)), not int

The annotation vocabulary of the library is small (builtins, ``X | None``, ``Sequence[...]``,
``Mapping[...]``, ``Literal``, enums, jsii classes and interfaces, the library's frozen dataclasses),
so the checker is written here: ``typeguard`` 4 cannot be installed next to jsii (which pins
typeguard 2), and neither typeguard nor beartype can check jsii's interfaces (non-runtime protocols).
Values that are CDK tokens pass wherever the annotation's type can be a token (str, numbers, lists).
The value checks (ranges, formats, cross-argument rules) stay in each constructor, with ``Problems``.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import inspect
import math
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import PurePath
from typing import Annotated, Any, TypeVar

from .validation import COLLECTING, CollectedProblems, InvalidArgumentsError, format_problems, is_token, show

F = TypeVar("F", bound=Callable[..., Any])

_SKIPPED = ("self", "scope", "id")

ACCEPTS_LIST_TOKEN = "accepts a deploy-time list"
DeployTimeList = Annotated[Sequence[str], ACCEPTS_LIST_TOKEN]
"""A list of strings that may also be a deploy-time list (a ``CommaDelimitedList`` parameter,
``Token.as_list``): the construct passes it on whole. Any other sequence argument must be a literal list,
because the construct checks or builds something for each item at synthesis."""
_LIST_TOKEN = "#{Token["


def _is_list_token(value: Any) -> bool:
    return isinstance(value, list | tuple) and any(
        isinstance(item, str) and item.startswith(_LIST_TOKEN) for item in value
    )


def _jsii_interface(hint: Any) -> bool:
    return isinstance(hint, type) and hasattr(hint, "__jsii_proxy_class__") and _is_protocol(hint)


def _is_protocol(hint: type) -> bool:
    return bool(getattr(hint, "_is_protocol", False))


def _declared_interfaces(cls: type) -> set[type]:
    found: set[type] = set()
    for klass in cls.__mro__:
        for iface in getattr(klass, "__jsii_ifaces__", ()) or ():
            found.update(iface.__mro__)
    return found


def implements(value: Any, interface: type) -> bool:
    """True when ``value`` is a jsii object (or a Python class declared with ``@jsii.implements``)
    implementing the jsii interface ``interface`` (``ec2.IVpc``), including imported resources."""
    delegates = getattr(value, "_delegates", None)
    if isinstance(delegates, list):  # jsii's dynamic proxy for objects that implement several interfaces
        return any(implements(delegate, interface) for delegate in delegates)
    if interface in _declared_interfaces(type(value)):
        return True
    proxy = interface.__jsii_proxy_class__()  # type: ignore[attr-defined]
    return isinstance(value, proxy)


class _DeployTimeDuration:
    def __repr__(self) -> str:
        return "Duration(<deploy-time value>)"


def _is_duration(hint: type) -> bool:
    return hint.__name__ == "Duration" and hint.__module__ == "aws_cdk"


def _type_name(hint: Any) -> str:
    if hint is type(None):
        return "None"
    if isinstance(hint, type):
        module = hint.__module__
        if module.startswith("aws_cdk."):
            return f"{module.split('.', 1)[1]}.{hint.__qualname__}"
        if module == "aws_cdk":
            return f"aws_cdk.{hint.__qualname__}"
        return hint.__qualname__
    return repr(hint).replace("collections.abc.", "").replace("typing.", "")


def _hint_name(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin is Annotated:
        return _hint_name(typing.get_args(hint)[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_hint_name(arg) for arg in typing.get_args(hint))
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(arg) for arg in typing.get_args(hint))
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping):
        key, item = typing.get_args(hint) or (Any, Any)
        return f"a mapping of {_hint_name(key)} to {_hint_name(item)}"
    if origin is not None and isinstance(origin, type) and issubclass(origin, Sequence | Iterable):
        (item,) = typing.get_args(hint) or (Any,)
        return f"a sequence of {_hint_name(item)}"
    return _type_name(hint)


def _got(value: Any) -> str:
    return type(value).__name__


class _Checker:
    """Checks one value against one annotation; records ``(argument, value, reason)`` problems."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, Any, str]] = []

    def fail(self, argument: str, value: Any, reason: str) -> bool:
        self.problems.append((argument, value, reason))
        return False

    def check(self, argument: str, value: Any, hint: Any) -> bool:
        if hint is Any or hint is object:
            return True
        origin = typing.get_origin(hint)
        if origin is Annotated:
            base, *extras = typing.get_args(hint)
            if ACCEPTS_LIST_TOKEN in extras and _is_list_token(value):
                return True
            return self.check(argument, value, base)
        if origin in (typing.Union, types.UnionType):
            return self._union(argument, value, typing.get_args(hint))
        if value is None:
            if hint is type(None):
                return True
            return self.fail(argument, value, f"is required: must be {_hint_name(hint)}, not None")
        if origin is typing.Literal:
            allowed = typing.get_args(hint)
            if value in allowed and type(value) in {type(a) for a in allowed}:
                return True
            return self.fail(argument, value, f"must be one of {', '.join(map(repr, allowed))}")
        if origin is not None:
            return self._generic(argument, value, hint, origin)
        if not isinstance(hint, type):
            return True  # a hint the library does not use (TypeVar, ...): not checked
        return self._plain(argument, value, hint)

    def _union(self, argument: str, value: Any, options: tuple[Any, ...]) -> bool:
        if value is None and type(None) in options:
            return True
        candidates = [option for option in options if option is not type(None)]
        for option in candidates:  # the value is one of the options: check it as that one (its fields)
            if isinstance(option, type) and not _jsii_interface(option) and isinstance(value, option):
                return self.check(argument, value, option)
        for option in candidates:
            trial = _Checker()
            if trial.check(argument, value, option):
                return True
        if len(candidates) == 1:  # ``X | None``: report X's own (more precise) reason
            return self.check(argument, value, candidates[0])
        names = " or ".join(_hint_name(option) for option in candidates)
        return self.fail(argument, value, f"must be {names}, not {_got(value)}")

    def _generic(self, argument: str, value: Any, hint: Any, origin: Any) -> bool:
        args = typing.get_args(hint)
        if isinstance(origin, type) and issubclass(origin, Mapping):
            if not isinstance(value, Mapping):
                return self.fail(argument, value, f"must be {_hint_name(hint)} (a dict), not {_got(value)}")
            key_hint, item_hint = args or (Any, Any)
            ok = True
            for key, item in value.items():
                ok &= self.check(f"{argument} key {key!r}", key, key_hint)
                ok &= self.check(f"{argument}[{key!r}]", item, item_hint)
            return ok
        if isinstance(origin, type) and issubclass(origin, Iterable):
            if isinstance(value, str | bytes):
                return self.fail(
                    argument,
                    value,
                    f"must be {_hint_name(hint)} (a list or tuple), not a single string; wrap it: [{value!r}]",
                )
            if isinstance(value, Mapping) or not isinstance(value, Iterable) or isinstance(value, type):
                return self.fail(
                    argument, value, f"must be {_hint_name(hint)} (a list or tuple), not {_got(value)}"
                )
            if not isinstance(value, list | tuple | frozenset | set | Sequence):
                return True  # an iterator or generator: consumed once by the constructor, not here
            if _is_list_token(value):
                return self.fail(
                    argument,
                    value,
                    "must be a literal list: the construct checks or builds something for each item at "
                    "synthesis, so a deploy-time list (a CommaDelimitedList parameter, Token.as_list) "
                    "cannot set it",
                )
            (item_hint,) = args or (Any,)
            ok = True
            for index, item in enumerate(value):
                ok &= self.check(f"{argument}[{index}]", item, item_hint)
            return ok
        if isinstance(origin, type):
            return self._plain(argument, value, origin)
        return True

    def _plain(self, argument: str, value: Any, hint: type) -> bool:
        if hint is bool:
            if isinstance(value, bool):
                return True
            return self.fail(argument, value, f"must be True or False, not {_got(value)}")
        if hint in (int, float):
            return self._number(argument, value, hint)
        if hint is str:
            if isinstance(value, str):
                return True
            return self.fail(argument, value, f"must be a str, not {_got(value)}")
        if issubclass(hint, PurePath):
            if isinstance(value, str | PurePath):
                return True
            return self.fail(argument, value, f"must be a path (pathlib.Path or str), not {_got(value)}")
        if _jsii_interface(hint):
            if implements(value, hint):
                return True
            return self.fail(
                argument, value, f"must be an object implementing {_type_name(hint)}, not {_got(value)}"
            )
        if issubclass(hint, enum.Enum):
            if isinstance(value, hint):
                return True
            members = ", ".join(f"{hint.__name__}.{m.name}" for m in list(hint)[:6])
            return self.fail(argument, value, f"must be {_type_name(hint)} ({members}), not {_got(value)}")
        if isinstance(value, hint):
            if dataclasses.is_dataclass(value):
                return self._dataclass(argument, value)
            if _is_duration(hint) and typing.cast(Any, value).is_unresolved():
                # The library compares and converts its durations at synthesis (ranges, alarm periods,
                # service settings in seconds): a deploy-time value cannot be checked or converted.
                return self.fail(
                    argument,
                    _DeployTimeDuration(),
                    "must be a literal Duration (Duration.minutes(5)): it is checked and converted at "
                    "synthesis, so a deploy-time value (a CfnParameter, a token) cannot set it",
                )
            return True
        if hint.__name__ == "SecretValue":  # never print what was meant to be a secret
            return self.fail(argument, type(value).__name__, self._mismatch(hint, value))
        return self.fail(argument, value, self._mismatch(hint, value))

    def _number(self, argument: str, value: Any, hint: type) -> bool:
        if isinstance(value, bool):
            return self.fail(argument, value, f"must be a number ({hint.__name__}), not a bool")
        if isinstance(value, float) and not math.isfinite(value):
            return self.fail(argument, value, f"must be a finite number ({hint.__name__}), not {value}")
        if hint is int and isinstance(value, float) and is_token(value):
            return True  # a number token (CfnParameter.value_as_number)
        if isinstance(value, hint) or (hint is float and isinstance(value, int)):
            return True
        if isinstance(value, str):
            return self.fail(argument, value, f"must be a number ({hint.__name__}), not the string {value!r}")
        if hint is int and isinstance(value, float):
            return self.fail(argument, value, "must be a whole number (int)")
        return self.fail(argument, value, f"must be a number ({hint.__name__}), not {_got(value)}")

    def _mismatch(self, hint: type, value: Any) -> str:
        name = _type_name(hint)
        if hint.__name__ == "Duration" and hint.__module__ == "aws_cdk":
            example = (
                f"Duration.seconds({value})" if isinstance(value, int | float) else "Duration.minutes(5)"
            )
            return f"must be an aws_cdk.Duration ({example}), not {_got(value)}"
        if hint.__name__ == "SecretValue" and hint.__module__ == "aws_cdk":
            return (
                "must be an aws_cdk.SecretValue (SecretValue.secrets_manager(...) or "
                f"SecretValue.ssm_secure(...)), never a plain {_got(value)}"
            )
        if hasattr(hint, "__jsii_type__") and isinstance(value, Mapping):
            return f"must be {name}(...), not a dict"
        return f"must be {name}, not {_got(value)}"

    def _dataclass(self, argument: str, value: Any) -> bool:
        hints = _hints_of(typing.cast(Any, type(value)))
        ok = True
        for field in dataclasses.fields(value):
            if field.name in hints:
                ok &= self.check(f"{argument}.{field.name}", getattr(value, field.name), hints[field.name])
        return ok


@functools.cache
def _hints_of(target: Any) -> dict[str, Any]:
    """Resolved annotations of a function or class; one that cannot be resolved is left unchecked."""
    try:
        return typing.get_type_hints(target, include_extras=True)
    except NameError:
        annotations = getattr(target, "__annotations__", {})
        module = inspect.getmodule(target)
        namespace = dict(vars(module)) if module else {}
        hints: dict[str, Any] = {}
        for name, annotation in annotations.items():
            try:
                hints[name] = eval(annotation, namespace) if isinstance(annotation, str) else annotation
            except NameError:
                hints[name] = Any
        return hints


def type_problems(values: Mapping[str, Any], hints: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """``(argument, value, reason)`` for each of ``values`` that does not match its annotation."""
    checker = _Checker()
    for name, value in values.items():
        if name in hints:
            checker.check(name, value, hints[name])
    return checker.problems


def check_values(owner: str, values: Mapping[str, Any], hints: Mapping[str, Any]) -> None:
    """Check each ``values[name]`` against ``hints[name]``; raise one ``InvalidArgumentsError``."""
    problems = type_problems(values, hints)
    if problems:
        raise InvalidArgumentsError(
            format_problems(owner, [f"{arg}={show(value)}: {reason}" for arg, value, reason in problems])
        )


def _remove_new_child(bound: inspect.BoundArguments, existed: bool) -> None:
    """Leave the caller's construct tree as it was when a constructor refused its arguments."""
    scope, construct_id = bound.arguments.get("scope"), bound.arguments.get("id")
    if not existed and scope is not None and isinstance(construct_id, str):
        node = getattr(scope, "node", None)
        if node is not None:
            node.try_remove_child(construct_id)


def _child_exists(bound: inspect.BoundArguments) -> bool:
    scope, construct_id = bound.arguments.get("scope"), bound.arguments.get("id")
    node = getattr(scope, "node", None)
    return bool(node is not None and isinstance(construct_id, str) and node.try_find_child(construct_id))


def checked_arguments(init: F) -> F:
    """Decorate a construct's ``__init__`` (or a public function): every argument is checked against its
    annotation before the body runs. With wrong types, the body's own value checks still run (on the
    defaults of the wrongly typed arguments) so that one error lists every problem; nothing is built."""
    signature = inspect.signature(init)
    method = next(iter(signature.parameters), None) == "self"

    @functools.wraps(init)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        owner = type(args[0]).__name__ if method and args else init.__qualname__
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as error:
            raise InvalidArgumentsError(f"{owner}: {error}") from None
        if "id" in bound.arguments:
            construct_id = bound.arguments["id"]
            if not isinstance(construct_id, str) or not construct_id:
                raise InvalidArgumentsError(
                    format_problems(
                        owner, [f"id={show(construct_id)}: must be a non-empty str (the construct id)"]
                    )
                )
        values = {name: value for name, value in bound.arguments.items() if name not in _SKIPPED}
        problems = type_problems(values, _hints_of(init))
        if not problems:
            try:
                return init(*bound.args, **bound.kwargs)
            except InvalidArgumentsError:
                # The body got past super().__init__ (a construct already there would have failed it):
                # the child with this id is the one this call added.
                _remove_new_child(bound, existed=False)
                raise
        existed = _child_exists(bound)
        items = [f"{arg}={show(value)}: {reason}" for arg, value, reason in problems]
        wrong = {arg for arg, _, _ in problems}
        items += [
            item
            for item in _value_problems(init, signature, bound, wrong & set(values))
            if item.split("=", 1)[0] not in wrong
        ]
        _remove_new_child(bound, existed)
        raise InvalidArgumentsError(format_problems(owner, items))

    return typing.cast(F, wrapper)


def _value_problems(
    init: Callable[..., Any], signature: inspect.Signature, bound: inspect.BoundArguments, wrong: set[str]
) -> list[str]:
    """Run ``init`` in collecting mode with each wrongly typed argument at its default (a wrong member
    inside a sequence or value object stays: the body's own checks see it); return the value problems
    its ``Problems`` found. Nothing when a wrong argument has no default, or the body fails."""
    arguments = dict(bound.arguments)
    for name in wrong:
        default = signature.parameters[name].default
        if default is inspect.Parameter.empty:
            return []
        arguments[name] = default
    trial = signature.bind_partial()
    trial.arguments.update(arguments)
    token = COLLECTING.set(True)
    try:
        init(*trial.args, **trial.kwargs)
    except CollectedProblems as collected:
        return collected.items
    except Exception:
        return []
    finally:
        COLLECTING.reset(token)
    return []
