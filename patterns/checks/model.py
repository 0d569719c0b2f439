"""What a rule sees and returns: a template as data, one resource at a time."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


class Status(enum.Enum):
    COMPLIANT = "compliant"
    NON_COMPLIANT = "non-compliant"
    NOT_APPLICABLE = "not-applicable"


class Severity(enum.Enum):
    ERROR = "error"  # fails synthesis unless acknowledged
    WARNING = "warning"  # reported; acknowledge it to record the decision


@dataclass(frozen=True)
class Result:
    status: Status
    message: str = ""  # for NON_COMPLIANT: what is wrong, specific to this resource
    locations: tuple[str, ...] = ("Properties",)


COMPLIANT = Result(Status.COMPLIANT)
NOT_APPLICABLE = Result(Status.NOT_APPLICABLE)


def non_compliant(message: str, *locations: str) -> Result:
    return Result(Status.NON_COMPLIANT, message, tuple(locations) or ("Properties",))


@dataclass(frozen=True)
class Template:
    """A synthesized CloudFormation template with helpers for following references."""

    body: dict[str, Any]
    resources: dict[str, dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "resources", dict(self.body.get("Resources", {})))

    def of_type(self, *types: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for logical_id, resource in self.resources.items():
            if resource.get("Type") in types:
                yield logical_id, resource

    def resource(self, logical_id: str) -> dict[str, Any] | None:
        return self.resources.get(logical_id)


def props(resource: dict[str, Any]) -> dict[str, Any]:
    return resource.get("Properties") or {}


def refs(value: Any) -> set[str]:
    """Logical ids that ``value`` points at through Ref, Fn::GetAtt or Fn::Sub."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                target = inner[0] if isinstance(inner, list) else str(inner).split(".")[0]
                found.add(target)
            else:
                found |= refs(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= refs(inner)
    return found


def number(value: Any, default: float | None = None) -> float | None:
    """A literal number (CloudFormation often carries them as strings); None for an intrinsic."""
    if value is None:
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
