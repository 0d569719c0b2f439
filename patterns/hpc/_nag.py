"""How cdk-nag names a resource inside a finding id (``AwsSolutions-IAM5[Resource::<Bucket1234.Arn>/*]``)."""

from __future__ import annotations

from aws_cdk import CfnElement, Stack
from constructs import IConstruct


def logical_id(construct: IConstruct) -> str:
    """The logical id of ``construct``'s CloudFormation resource, or '' for an imported one."""
    child = construct.node.default_child
    if isinstance(child, CfnElement):
        return Stack.of(construct).get_logical_id(child)
    return ""


def bucket_objects_finding(bucket: IConstruct) -> str:
    """The IAM5 finding id of a grant on every object of ``bucket`` ('' for an imported bucket)."""
    name = logical_id(bucket)
    return f"AwsSolutions-IAM5[Resource::<{name}.Arn>/*]" if name else ""
