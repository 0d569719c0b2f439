"""Secure defaults of the async-work queues (issue 13, checkov): SSE-KMS on every queue, a customer key
EventBridge may use where it sends, point-in-time recovery on the dedup table."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Match, Template

from patterns._core import service_key
from patterns.async_work import PollingWorker, QueueWorkerFleet
from tests.conftest import new_stack, template_of

EVENTS_KEY_STATEMENT = {
    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
    "Effect": "Allow",
    "Principal": {"Service": "events.amazonaws.com"},
    "Resource": "*",
}


@pytest.fixture(scope="module")
def sqs_worker() -> Template:
    stack = new_stack()
    PollingWorker(stack, "Poll")
    return template_of(stack)


@pytest.fixture(scope="module")
def sfn_worker() -> Template:
    stack = new_stack()
    PollingWorker(stack, "Poll", engine="stepfunctions")
    return template_of(stack)


@pytest.fixture(scope="module")
def fleet() -> Template:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    QueueWorkerFleet(stack, "Fleet", vpc=vpc)
    return template_of(stack)


def queues(template: Template) -> list[dict[str, Any]]:
    return [q["Properties"] for q in template.find_resources("AWS::SQS::Queue").values()]


class TestFleet:
    def test_both_queues_use_the_aws_managed_sqs_key(self, fleet: Template) -> None:
        assert [q.get("KmsMasterKeyId") for q in queues(fleet)] == ["alias/aws/sqs", "alias/aws/sqs"]

    def test_no_sse_sqs_left(self, fleet: Template) -> None:
        assert [q.get("SqsManagedSseEnabled") for q in queues(fleet)] == [None, None]

    def test_no_customer_key_created(self, fleet: Template) -> None:
        fleet.resource_count_is("AWS::KMS::Key", 0)


def test_fleet_queues_use_the_customer_key_given() -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    key = service_key(stack, "Key", description="Encrypts the work queues", services=["s3.amazonaws.com"])
    QueueWorkerFleet(stack, "Fleet", vpc=vpc, encryption_key=key)
    template = template_of(stack)
    [key_id] = template.find_resources("AWS::KMS::Key")
    assert [q["KmsMasterKeyId"] for q in queues(template)] == [{"Fn::GetAtt": [key_id, "Arn"]}] * 2
    # The task role may decrypt what it receives (grant_consume_messages on an encrypted queue).
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        {
                            "Action": "kms:Decrypt",
                            "Effect": "Allow",
                            "Resource": {"Fn::GetAtt": [key_id, "Arn"]},
                        }
                    ]
                )
            }
        },
    )


class TestSqsEngine:
    def test_one_rotated_retained_key_for_the_queue_and_its_dlq(self, sqs_worker: Template) -> None:
        [(key_id, key)] = sqs_worker.find_resources("AWS::KMS::Key").items()
        assert key["DeletionPolicy"] == "Retain"
        assert key["Properties"]["EnableKeyRotation"] is True
        assert [q["KmsMasterKeyId"] for q in queues(sqs_worker)] == [{"Fn::GetAtt": [key_id, "Arn"]}] * 2

    def test_eventbridge_may_use_the_key(self, sqs_worker: Template) -> None:
        sqs_worker.has_resource_properties(
            "AWS::KMS::Key", {"KeyPolicy": {"Statement": Match.array_with([EVENTS_KEY_STATEMENT])}}
        )

    def test_dedup_table_has_point_in_time_recovery(self, sqs_worker: Template) -> None:
        sqs_worker.has_resource_properties(
            "AWS::DynamoDB::Table",
            {
                "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": True},
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            },
        )


class TestStepFunctionsEngine:
    def test_delivery_dlq_encrypted_with_a_key_eventbridge_may_use(self, sfn_worker: Template) -> None:
        [(key_id, key)] = sfn_worker.find_resources("AWS::KMS::Key").items()
        assert EVENTS_KEY_STATEMENT in key["Properties"]["KeyPolicy"]["Statement"]
        assert [q["KmsMasterKeyId"] for q in queues(sfn_worker)] == [{"Fn::GetAtt": [key_id, "Arn"]}]
