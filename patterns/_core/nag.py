"""Acknowledging policy findings (cdk-nag 3 and the project's own checks) on the smallest construct."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Acknowledgment, CfnElement, Stack, Validations
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
