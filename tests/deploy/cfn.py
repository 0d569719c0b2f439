"""Reading synthesized templates as a service would see them: intrinsic functions become placeholders."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

PLACEHOLDER_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:placeholder"
"""What an unresolved intrinsic (``Ref``, ``Fn::GetAtt``) stands for inside a string."""


PSEUDO_PARAMETERS = {
    "AWS::Partition": "aws",
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "stack",
}


def placeholder(value: Any) -> str:
    """A string for an intrinsic: a pseudo parameter's example value, an ARN for ``Fn::GetAtt`` of an
    ``...Arn`` attribute, ``placeholder`` otherwise."""
    if isinstance(value, dict):
        if value.get("Ref") in PSEUDO_PARAMETERS:
            return PSEUDO_PARAMETERS[value["Ref"]]
        attribute = value.get("Fn::GetAtt")
        if isinstance(attribute, list) and str(attribute[-1]).endswith("Arn"):
            return PLACEHOLDER_ARN
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
