"""Small helpers over CloudFormation template values: references, intrinsic functions, type names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

TIMES = "\N{MULTIPLICATION SIGN}"
"""The multiplication sign of counts and prices in the report (``Subnet x6`` with the real sign)."""

_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")


def is_intrinsic(value: Any) -> bool:
    """True for ``{"Ref": ...}``, ``{"Fn::...": ...}`` and ``{"Condition": ...}``: a value known at deploy time."""
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith(("Ref", "Fn::"))


def _sub_names(text: str) -> Iterator[str]:
    for match in _SUB_VAR.finditer(text):
        yield match.group(1).split(".", 1)[0]


def referenced_ids(value: Any) -> set[str]:
    """Every logical id that ``value`` names through Ref, Fn::GetAtt or Fn::Sub ``${X}`` / ``${X.Attr}``.

    Pseudo parameters (``AWS::Region``...) are left out; the caller filters to the template's resources.
    """
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, inner in node.items():
                if key == "Ref" and isinstance(inner, str):
                    found.add(inner)
                elif key == "Fn::GetAtt":
                    if isinstance(inner, list) and inner and isinstance(inner[0], str):
                        found.add(inner[0])
                    elif isinstance(inner, str):
                        found.add(inner.split(".", 1)[0])
                    else:
                        walk(inner)
                elif key == "Fn::Sub":
                    text = inner[0] if isinstance(inner, list) and inner else inner
                    local = inner[1] if isinstance(inner, list) and len(inner) > 1 else {}
                    if isinstance(text, str):
                        found.update(
                            n for n in _sub_names(text) if not (isinstance(local, dict) and n in local)
                        )
                    walk(local)
                else:
                    walk(inner)
        elif isinstance(node, list):
            for inner in node:
                walk(inner)

    walk(value)
    return {name for name in found if not name.startswith("AWS::")}


def ref_target(value: Any) -> str | None:
    """The logical id of a plain ``{"Ref": X}`` or ``{"Fn::GetAtt": [X, ...]}``, else None."""
    if isinstance(value, dict) and len(value) == 1:
        if "Ref" in value and isinstance(value["Ref"], str):
            return value["Ref"]
        if "Fn::GetAtt" in value:
            inner = value["Fn::GetAtt"]
            if isinstance(inner, list) and inner and isinstance(inner[0], str):
                return inner[0]
            if isinstance(inner, str):
                return inner.split(".", 1)[0]
    return None


def obj(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else {} (a template value may be an intrinsic, a string, a list...)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """A template value that may be one item or a list, as a list (None -> [])."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def flat_text(value: Any) -> str:
    """A readable string for a literal or intrinsic value: Fn::Join parts joined, Refs shown as ``{Ref X}``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value).lower() if isinstance(value, bool) else str(value)
    if isinstance(value, dict) and len(value) == 1:
        key, inner = next(iter(value.items()))
        if key == "Fn::Join" and isinstance(inner, list) and len(inner) == 2 and isinstance(inner[1], list):
            return str(inner[0]).join(flat_text(part) for part in inner[1])
        if key == "Ref":
            return f"{{{inner}}}"
        if key == "Fn::GetAtt":
            target = ".".join(inner) if isinstance(inner, list) else str(inner)
            return f"{{{target}}}"
        if key == "Fn::Sub":
            return flat_text(inner[0] if isinstance(inner, list) else inner)
        if key == "Fn::ImportValue":
            return f"{{import {flat_text(inner)}}}"
    return "{…}"


def service_of(resource_type: str) -> str:
    """``AWS::EC2::Subnet`` -> ``EC2``; ``Custom::Foo`` -> ``Custom``; anything else -> its first part."""
    parts = resource_type.split("::")
    if len(parts) >= 2 and parts[0] in ("AWS", "Alexa"):
        return parts[1]
    return parts[0] or resource_type


def short_type(resource_type: str) -> str:
    """``AWS::EC2::Subnet`` -> ``Subnet``; ``Custom::Foo`` -> ``Custom::Foo``."""
    parts = resource_type.split("::")
    return parts[-1] if parts[0] == "AWS" and len(parts) == 3 else resource_type


def is_true(value: Any) -> bool:
    """True for ``true`` and the string ``"true"`` (any case): CloudFormation accepts both for a boolean."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def is_false(value: Any) -> bool:
    """True for ``false`` and the string ``"false"`` (any case): an explicit false, not a missing value."""
    return value is False or (isinstance(value, str) and value.lower() == "false")


_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+|\$?\{[^}]*\}")


def endpoint_service(service_name: Any) -> str:
    """The service of a VPC endpoint's ServiceName: what follows the region.

    ``com.amazonaws.us-east-1.ecr.api`` -> ``ecr.api``; ``com.amazonaws.{AWS::Region}.execute-api`` ->
    ``execute-api``; ``com.amazonaws.vpce.eu-west-1.vpce-svc-0abc`` -> ``vpce-svc-0abc``; a name with no region
    part is returned whole.
    """
    text = flat_text(service_name)
    parts = text.split(".")
    for index, part in enumerate(parts[:-1]):
        if _REGION.fullmatch(part):
            return ".".join(parts[index + 1 :])
    return text
