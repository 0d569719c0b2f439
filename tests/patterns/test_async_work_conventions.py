"""Async work: the grants, metrics and connections that aws-cdk-lib users reach for."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template

from patterns.async_work import PollingWorker, QueueWorkerFleet
from tests.conftest import new_stack, template_of
from tests.patterns.conventions import (
    actions_on,
    all_actions,
    arn,
    ingress_rules_to,
    metric_shape,
    new_role,
    opens,
    ref,
    statements_of,
)

SEND = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"]
CONSUME = [
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
    "sqs:ReceiveMessage",
]
REDRIVE = sorted(
    [*CONSUME, "sqs:CancelMessageMoveTask", "sqs:ListMessageMoveTasks", "sqs:StartMessageMoveTask"]
)

Built = tuple[Any, Stack, Template, dict[str, Any]]


def grant_all(stack: Stack, construct: Any) -> dict[str, Any]:
    roles = {name: new_role(stack, name) for name in ("Sender", "Consumer", "Redriver")}
    construct.grant_send_messages(roles["Sender"])
    construct.grant_consume_messages(roles["Consumer"])
    construct.grant_redrive(roles["Redriver"])
    return roles


@pytest.fixture(scope="module")
def worker() -> Built:
    stack = new_stack()
    worker = PollingWorker(stack, "Poll")
    roles = grant_all(stack, worker)
    return worker, stack, template_of(stack), roles


@pytest.fixture(scope="module")
def fleet() -> Built:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    fleet = QueueWorkerFleet(stack, "Fleet", vpc=vpc)
    roles = grant_all(stack, fleet)
    fleet.connections.allow_from(ec2.Peer.ipv4("10.9.0.0/16"), ec2.Port.tcp(8080), "health checks")
    database = ec2.SecurityGroup(stack, "Database", vpc=vpc)
    database.connections.allow_from(fleet, ec2.Port.tcp(5432), "the workers")  # fleet is an IConnectable
    return fleet, stack, template_of(stack), roles


@pytest.fixture(params=["worker", "fleet"])
def built(request: pytest.FixtureRequest) -> Built:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def test_queue_grants(built: Built) -> None:
    construct, stack, template, roles = built
    queue = arn(stack, construct.queue)
    dlq = arn(stack, construct.dead_letter_queue)
    for name, actions, resource in (
        ("Sender", SEND, queue),
        ("Consumer", CONSUME, queue),
        ("Redriver", REDRIVE, dlq),
    ):
        statements = statements_of(template, stack, roles[name])
        assert actions_on(statements, resource) == actions, name
        granted = all_actions(statements)
        assert [action for action in granted if not action.startswith("kms:")] == actions, name
        # A queue under the construct's own key (EventBridge sends to PollingWorker's): the grant
        # includes that key, or the call fails; under alias/aws/sqs, no key grant is needed.
        own_key = construct.queue.encryption_master_key is not None
        assert any(action.startswith("kms:") for action in granted) == own_key, name


def queue_dimensions(stack: Stack, queue: Any) -> dict[str, Any]:
    return {"QueueName": {"Fn::GetAtt": [stack.get_logical_id(queue.node.default_child), "QueueName"]}}


def test_queue_metrics(built: Built) -> None:
    construct, stack, _template, _roles = built
    assert metric_shape(stack, construct.metric_dead_letter_messages()) == {
        "namespace": "AWS/SQS",
        "metric_name": "ApproximateNumberOfMessagesVisible",
        "dimensions": queue_dimensions(stack, construct.dead_letter_queue),
        "statistic": "Maximum",
        "period": 60,
    }
    assert metric_shape(stack, construct.metric_approximate_age_of_oldest_message()) == {
        "namespace": "AWS/SQS",
        "metric_name": "ApproximateAgeOfOldestMessage",
        "dimensions": queue_dimensions(stack, construct.queue),
        "statistic": "Maximum",
        "period": 60,
    }
    assert metric_shape(stack, construct.metric_approximate_number_of_messages_visible()) == {
        "namespace": "AWS/SQS",
        "metric_name": "ApproximateNumberOfMessagesVisible",
        "dimensions": queue_dimensions(stack, construct.queue),
        "statistic": "Maximum",
        "period": 60,
    }


def test_alarms_watch_the_metrics(built: Built) -> None:
    construct, stack, template, _roles = built
    for metric_name, queue in (
        ("ApproximateNumberOfMessagesVisible", construct.dead_letter_queue),
        ("ApproximateAgeOfOldestMessage", construct.queue),
    ):
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "Namespace": "AWS/SQS",
                "MetricName": metric_name,
                "Statistic": "Maximum",
                "Period": 60,
                "Dimensions": [{"Name": "QueueName", "Value": queue_dimensions(stack, queue)["QueueName"]}],
            },
        )


def test_worker_consumer_errors(worker: Built) -> None:
    construct, stack, _template, _roles = worker
    assert metric_shape(stack, construct.metric_errors()) == {
        "namespace": "AWS/Lambda",
        "metric_name": "Errors",
        "dimensions": {"FunctionName": ref(stack, construct.consumer)},
        "statistic": "Sum",
        "period": 300,
    }
    with pytest.raises(ValueError, match="metric_failed needs engine='stepfunctions'"):
        construct.metric_failed()


def test_step_functions_worker_metrics() -> None:
    stack = new_stack()
    worker = PollingWorker(stack, "Poll", engine="stepfunctions")
    machine = ref(stack, worker.state_machine)
    for method, name in (("metric_failed", "ExecutionsFailed"), ("metric_timed_out", "ExecutionsTimedOut")):
        assert metric_shape(stack, getattr(worker, method)()) == {
            "namespace": "AWS/States",
            "metric_name": name,
            "dimensions": {"StateMachineArn": machine},
            "statistic": "Sum",
            "period": 300,
        }, method
    with pytest.raises(ValueError, match="grant_send_messages needs engine='sqs'"):
        worker.grant_send_messages(new_role(stack, "Sender"))
    with pytest.raises(ValueError, match="metric_errors needs engine='sqs'"):
        worker.metric_errors()


def test_fleet_metrics_and_connections(fleet: Built) -> None:
    construct, stack, template, _roles = fleet
    assert construct.metric_backlog() is construct.backlog
    assert construct.metric_backlog().expression == "visible + inflight"
    cpu = metric_shape(stack, construct.metric_cpu_utilization())
    assert (cpu["namespace"], cpu["metric_name"], cpu["statistic"], cpu["period"]) == (
        "AWS/ECS",
        "CPUUtilization",
        "Average",
        300,
    )
    assert set(cpu["dimensions"]) == {"ClusterName", "ServiceName"}
    rules = ingress_rules_to(template, stack, construct.security_group)
    assert opens(rules, 8080, cidr="10.9.0.0/16")
    database = stack.node.find_child("Database")
    (from_fleet,) = ingress_rules_to(template, stack, database)  # type: ignore[arg-type]
    assert from_fleet["FromPort"] == 5432
    assert from_fleet["SourceSecurityGroupId"] == stack.resolve(construct.security_group.security_group_id)
