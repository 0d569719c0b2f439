"""Acknowledging policy findings (cdk-nag 3 and the project's own checks) on the smallest construct."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import jsii
from aws_cdk import Acknowledgment, Aspects, CfnElement, IAspect, Stack, Validations
from aws_cdk import aws_iam as iam
from constructs import IConstruct


def acknowledge(construct: IConstruct | None, findings: Mapping[str, str]) -> None:
    """Acknowledge each finding id (``"AwsSolutions-IAM5[Resource::*]"``) on ``construct`` with its reason.

    ``construct`` may be typed optional (``function.role`` is ``IRole | None`` in aws-cdk-lib's types);
    ``None`` is an error.
    """
    if construct is None:
        raise ValueError("acknowledge: no construct to acknowledge findings on (a function without a role?)")
    for finding_id, reason in findings.items():
        if len(reason.strip()) < 20:
            raise ValueError(f"acknowledge: reason for {finding_id!r} is too short to convince a reviewer")
    if findings:  # one call across the jsii bridge for all of them
        Validations.of(construct).acknowledge(
            *(Acknowledgment(id=finding_id, reason=reason) for finding_id, reason in findings.items())
        )


def nag_ref(construct: IConstruct, attribute: str | None = "Arn") -> str | None:
    """How cdk-nag prints ``Fn::GetAtt`` of ``construct``'s resource inside a finding id, e.g.
    ``<Bucket1234.Arn>`` in ``AwsSolutions-IAM5[Resource::<Bucket1234.Arn>/*]``; with
    ``attribute=None``, how it prints a ``Ref`` (``<Group1234>``).

    Logical ids hash the construct path, so finding ids are computed, never hard-coded. None for an
    imported resource (it has no logical id; its finding names the ARN itself).
    """
    element = construct if isinstance(construct, CfnElement) else construct.node.default_child
    if not isinstance(element, CfnElement):
        return None
    logical_id = Stack.of(element).resolve(element.logical_id)
    return f"<{logical_id}.{attribute}>" if attribute else f"<{logical_id}>"


def flatten_reference(value: Any) -> str:
    """A CloudFormation value flattened as cdk-nag flattens it inside a finding id (its
    ``flattenCfnReference``): ``{"Ref": "X"}`` -> ``<X>``, ``Fn::GetAtt`` -> ``<X.Attr>``, joins joined,
    ``${...}`` -> ``<...>``, anything else as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("${", "<").replace("}", ">")
    if isinstance(value, dict):
        if "Fn::Join" in value:
            delimiter, items = value["Fn::Join"]
            return str(delimiter).join(flatten_reference(item) for item in items)
        if "Fn::Sub" in value:
            return flatten_reference(value["Fn::Sub"])
        if "Fn::GetAtt" in value:
            resource, attribute = value["Fn::GetAtt"]
            return f"<{flatten_reference(resource)}.{flatten_reference(attribute)}>"
        if "Fn::ImportValue" in value:
            return flatten_reference(value["Fn::ImportValue"])
        if "Ref" in value:
            return f"<{flatten_reference(value['Ref'])}>"
    return json.dumps(value, separators=(",", ":"))


@jsii.implements(IAspect)
class _WildcardResourceAcknowledger:
    def __init__(self, reasons: Mapping[str, str]) -> None:
        self.reasons = {re.compile(pattern): reason for pattern, reason in reasons.items()}

    def visit(self, node: IConstruct) -> None:
        if not isinstance(node, iam.CfnPolicy | iam.CfnRole):
            return
        stack = Stack.of(node)
        documents = (
            [node.policy_document]
            if isinstance(node, iam.CfnPolicy)
            else [policy.policy_document for policy in stack.resolve(node.policies) or []]
        )
        found: dict[str, str] = {}
        for document in documents:
            for statement in (stack.resolve(document) or {}).get("Statement", []):
                resources = statement.get("Resource", [])
                for resource in resources if isinstance(resources, list) else [resources]:
                    flat = flatten_reference(resource)
                    if "*" not in flat:
                        continue
                    for pattern, reason in self.reasons.items():
                        if pattern.search(flat):
                            found[f"AwsSolutions-IAM5[Resource::{flat}]"] = reason
        acknowledge(node, found)


def acknowledge_wildcard_resources(construct: IConstruct, reasons: Mapping[str, str]) -> None:
    """Acknowledge cdk-nag's ``AwsSolutions-IAM5[Resource::...]`` on the IAM policies under ``construct``
    for each wildcard resource that a regular expression of ``reasons`` finds, however the ARN renders
    (an explicit account or region, an app with or without the ``cdk init`` feature flags); the finding
    ids are computed at synthesis from the final policy, as cdk-nag computes them."""
    for pattern, reason in reasons.items():
        if len(reason.strip()) < 20:
            raise ValueError(f"acknowledge: reason for {pattern!r} is too short to convince a reviewer")
    Aspects.of(construct).add(_WildcardResourceAcknowledger(reasons))
