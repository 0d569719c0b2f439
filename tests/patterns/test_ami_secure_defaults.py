"""Secure defaults of ImageRefresh (issue 13, checkov): its dead-letter queue is encrypted with a
customer-managed key that EventBridge may use (EventBridge cannot use alias/aws/sqs)."""

from __future__ import annotations

import pytest
from aws_cdk import RemovalPolicy
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk.assertions import Template

from patterns.ami import ImageRefresh
from tests.conftest import new_stack, template_of


def refresh(**kwargs) -> Template:
    stack = new_stack()
    group = autoscaling.AutoScalingGroup.from_auto_scaling_group_name(stack, "Group", "web-fleet")
    ImageRefresh(stack, "Refresh", auto_scaling_group=group, image_parameter_name="/cdp/ami/web", **kwargs)
    return template_of(stack)


@pytest.fixture(scope="module")
def default() -> Template:
    return refresh()


def test_dead_letter_queue_encrypted_with_its_own_key(default: Template) -> None:
    [(key_id, _)] = default.find_resources("AWS::KMS::Key").items()
    [queue] = default.find_resources("AWS::SQS::Queue").values()
    assert queue["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert "SqsManagedSseEnabled" not in queue["Properties"]


def test_eventbridge_may_use_the_key(default: Template) -> None:
    [key] = default.find_resources("AWS::KMS::Key").values()
    assert {
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Resource": "*",
    } in key["Properties"]["KeyPolicy"]["Statement"]


def test_key_rotated_and_retained_with_the_queue(default: Template) -> None:
    [key] = default.find_resources("AWS::KMS::Key").values()
    assert key["Properties"]["EnableKeyRotation"] is True
    assert (key["DeletionPolicy"], key["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_key_follows_the_removal_policy() -> None:
    template = refresh(removal_policy=RemovalPolicy.DESTROY)
    [key] = template.find_resources("AWS::KMS::Key").values()
    assert (key["DeletionPolicy"], key["UpdateReplacePolicy"]) == ("Delete", "Delete")
