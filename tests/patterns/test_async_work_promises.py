"""Async-work promises (patterns/async_work/README.md), each value written out: DLQs keep 14 days and alarm
on the first message, oldest-message alarms, the state machine's logs (ALL, without execution data),
X-Ray, 3 transitions per check, the fleet scaling from zero in steps of ``messages_per_task``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.patterns.promises import Alarm, alarms, example_stack_template, log_retentions, resources

BACKLOG = (
    "visible + inflight; visible=AWS/SQS ApproximateNumberOfMessagesVisible Maximum/60; "
    "inflight=AWS/SQS ApproximateNumberOfMessagesNotVisible Maximum/60"
)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return example_stack_template("CdpAsyncWork")


def test_alarms(template) -> None:
    dlq = Alarm(
        "AWS/SQS ApproximateNumberOfMessagesVisible Maximum",
        1,
        "GreaterThanOrEqualToThreshold",
        1,
        None,
        "notBreaching",
        60,
        "topic",
    )
    assert alarms(template) == [
        # Beanstalk worker: environment health Degraded (20) or worse, 2 of 3 minutes
        Alarm(
            "AWS/ElasticBeanstalk EnvironmentHealth Maximum",
            20,
            "GreaterThanOrEqualToThreshold",
            3,
            2,
            "notBreaching",
            60,
            "topic",
        ),
        Alarm(
            "AWS/Lambda Errors Sum", 1, "GreaterThanOrEqualToThreshold", 1, None, "notBreaching", 300, "topic"
        ),
        # fleet: 15 minutes; SQS and Beanstalk engines: 30 minutes (more than one delay hop); 3 of 5 minutes
        Alarm(
            "AWS/SQS ApproximateAgeOfOldestMessage Maximum",
            900,
            "GreaterThanThreshold",
            5,
            3,
            "notBreaching",
            60,
            "topic",
        ),
        Alarm(
            "AWS/SQS ApproximateAgeOfOldestMessage Maximum",
            1800,
            "GreaterThanThreshold",
            5,
            3,
            "notBreaching",
            60,
            "topic",
        ),
        Alarm(
            "AWS/SQS ApproximateAgeOfOldestMessage Maximum",
            1800,
            "GreaterThanThreshold",
            5,
            3,
            "notBreaching",
            60,
            "topic",
        ),
        dlq,
        dlq,
        dlq,
        dlq,
        Alarm(
            "AWS/States ExecutionsFailed Sum",
            1,
            "GreaterThanOrEqualToThreshold",
            1,
            None,
            "notBreaching",
            300,
            "topic",
        ),
        Alarm(
            "AWS/States ExecutionsTimedOut Sum",
            1,
            "GreaterThanOrEqualToThreshold",
            1,
            None,
            "notBreaching",
            300,
            "topic",
        ),
        Alarm(BACKLOG, 0, "LessThanOrEqualToThreshold", 1, None, None, None, "scaling"),
        Alarm(BACKLOG, 1, "GreaterThanOrEqualToThreshold", 1, None, None, None, "scaling"),
    ]


def test_dead_letter_queues_keep_14_days_and_queues_are_encrypted(template) -> None:
    queues = resources(template, "AWS::SQS::Queue")
    retention = sorted(q["Properties"]["MessageRetentionPeriod"] for _, q in queues)
    # work queues 4 days (SQS, Beanstalk, fleet), DLQs 14 days (the three, and Step Functions' delivery DLQ)
    assert retention == [345600, 345600, 345600, 1209600, 1209600, 1209600, 1209600]
    keys = sorted(json.dumps(q["Properties"]["KmsMasterKeyId"]) for _, q in queues)
    # SSE-KMS everywhere: the fleet's under alias/aws/sqs; those EventBridge sends to under their own key
    assert keys.count('"alias/aws/sqs"') == 2
    assert all('"Fn::GetAtt"' in key for key in keys if key != '"alias/aws/sqs"')
    assert all(q["DeletionPolicy"] == "Retain" for _, q in queues)
    redrive = sorted(
        q["Properties"]["RedrivePolicy"]["maxReceiveCount"]
        for _, q in queues
        if "RedrivePolicy" in q["Properties"]
    )
    assert redrive == [5, 5, 5]


def test_state_machine_logs_all_without_execution_data(template) -> None:
    [(_, machine)] = resources(template, "AWS::StepFunctions::StateMachine")
    properties = machine["Properties"]
    assert properties["LoggingConfiguration"]["Level"] == "ALL"
    assert properties["LoggingConfiguration"]["IncludeExecutionData"] is False
    assert properties["TracingConfiguration"] == {"Enabled": True}
    assert properties["StateMachineType"] == "STANDARD"
    definition = json.loads(
        "".join(p for p in properties["DefinitionString"]["Fn::Join"][1] if isinstance(p, str)).replace(
            '""', '"x"'
        )
    )
    assert definition["QueryLanguage"] == "JSONata"
    assert definition["TimeoutSeconds"] == 90000  # 288 checks x 300 s, plus an hour
    assert definition["States"]["WaitBeforeNextCheck"] == {
        "Type": "Wait",
        "Seconds": 300,
        "Next": "CheckItem",
    }
    assert [c["Condition"] for c in definition["States"]["Decide"]["Choices"]] == [
        "{% $states.input.done = true %}",
        "{% $states.input.attempt >= 288 %}",
    ]
    assert definition["States"]["GiveUp"]["Type"] == "Fail"


def test_functions_arm64_traced_json_logs_one_year(template) -> None:
    functions = [
        f["Properties"]
        for _, f in resources(template, "AWS::Lambda::Function")
        if "LoggingConfig" in f["Properties"]
    ]
    assert len(functions) >= 2
    for function in functions:
        assert function["Architectures"] == ["arm64"]
        assert function["TracingConfig"] == {"Mode": "Active"}
        assert function["LoggingConfig"]["LogFormat"] == "JSON"
    assert log_retentions(template) == [(365, "Retain")] * 4


def test_consumer_reports_partial_batch_failures(template) -> None:
    [(_, mapping)] = resources(template, "AWS::Lambda::EventSourceMapping")
    assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_dedup_tables_expire_items(template) -> None:
    tables = resources(template, "AWS::DynamoDB::Table")
    assert len(tables) == 2  # the SQS engine's and the Beanstalk engine's
    for _, table in tables:
        assert table["Properties"]["TimeToLiveSpecification"] == {
            "AttributeName": "expires_at",
            "Enabled": True,
        }
        assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST"
        assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert table["DeletionPolicy"] == "Retain"


def test_fleet_scales_exactly_from_zero_in_steps_of_ten(template) -> None:
    [(_, target)] = resources(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert (target["Properties"]["MinCapacity"], target["Properties"]["MaxCapacity"]) == (0, 4)
    steps = sorted(
        (
            len(p["Properties"]["StepScalingPolicyConfiguration"]["StepAdjustments"]),
            p["Properties"]["StepScalingPolicyConfiguration"]["AdjustmentType"],
            [
                (s.get("MetricIntervalLowerBound"), s.get("MetricIntervalUpperBound"), s["ScalingAdjustment"])
                for s in p["Properties"]["StepScalingPolicyConfiguration"]["StepAdjustments"]
            ],
        )
        for _, p in resources(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
    )
    assert steps == [
        (1, "ExactCapacity", [(None, 0, 0)]),  # an empty queue: no task
        (4, "ExactCapacity", [(0, 10, 1), (10, 20, 2), (20, 30, 3), (30, None, 4)]),
    ]


def test_fleet_service_rolls_back_and_has_no_public_ip(template) -> None:
    [(_, service)] = resources(template, "AWS::ECS::Service")
    assert service["Properties"]["DeploymentConfiguration"]["DeploymentCircuitBreaker"] == {
        "Enable": True,
        "Rollback": True,
    }
    assert (
        service["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] == "DISABLED"
    )
