"""Acknowledging policy findings (cdk-nag 3 and the project's own checks) on the smallest construct."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct


def acknowledge(construct: IConstruct, findings: Mapping[str, str]) -> None:
    """Acknowledge each finding id (``"AwsSolutions-IAM5[Resource::*]"``) on ``construct`` with its reason."""
    for finding_id, reason in findings.items():
        if len(reason.strip()) < 20:
            raise ValueError(f"acknowledge: reason for {finding_id!r} is too short to convince a reviewer")
        Validations.of(construct).acknowledge(Acknowledgment(id=finding_id, reason=reason))
