"""cdk-nag finding ids that name a resource of this pattern (``<LogicalId.Arn>``), computed instead of
hard-coded: logical ids hash the construct path, so they differ in every stack."""

from __future__ import annotations

from aws_cdk import CfnElement, Stack
from constructs import IConstruct


def attr(construct: IConstruct, attribute: str) -> str:
    """How cdk-nag prints ``Fn::GetAtt`` of ``construct`` (or its default child): ``<LogicalId.Attribute>``."""
    element = construct if isinstance(construct, CfnElement) else construct.node.default_child
    if not isinstance(element, CfnElement):
        raise TypeError(f"{construct.node.path} has no CloudFormation resource")
    return f"<{Stack.of(element).resolve(element.logical_id)}.{attribute}>"
