"""Reading synthesized templates as a service would see them: intrinsic functions become placeholders."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

PLACEHOLDER_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:placeholder"
"""What an unresolved intrinsic (``Ref``, ``Fn::GetAtt``) stands for inside a string."""


def placeholder(value: Any) -> str:
    """A string for an intrinsic: ARN-shaped when the intrinsic reads an ARN, a plain word otherwise."""
    text = json.dumps(value)
    if "Arn" in text or "AWS::Partition" in text:
        return PLACEHOLDER_ARN
    if "AWS::Region" in text:
        return "us-east-1"
    if "AWS::AccountId" in text:
        return "123456789012"
    if "AWS::URLSuffix" in text:
        return "amazonaws.com"
    return "placeholder"


def join(value: Any) -> Any:
    """``Fn::Join`` of strings and intrinsics as one string (intrinsics as placeholders); a plain string
    as itself; anything else as its placeholder."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(join(part) if isinstance(part, (str, dict)) else str(part) for part in parts)
    return placeholder(value)


def resources(templates: dict[str, dict[str, Any]], type_: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(stack, logical id, properties)`` of every resource of ``type_``."""
    for stack, template in templates.items():
        for logical_id, resource in template.get("Resources", {}).items():
            if resource["Type"] == type_:
                yield stack, logical_id, resource.get("Properties", {})
