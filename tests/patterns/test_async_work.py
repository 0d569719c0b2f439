"""PollingWorker (both engines), QueueWorkerFleet, the cost model and the example stack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from patterns.async_work import EngineCost, PollingWorker, QueueWorkerFleet, estimate_monthly_cost
from patterns.async_work import cost as cost_model
from patterns.async_work.worker_fleet import scaling_steps
from tests.conftest import new_stack, template_of

DLQ_DEPTH = {
    "MetricName": "ApproximateNumberOfMessagesVisible",
    "Namespace": "AWS/SQS",
    "Threshold": 1,
    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
}


@pytest.fixture(scope="module")
def sqs_worker() -> tuple[PollingWorker, Template]:
    stack = new_stack()
    worker = PollingWorker(stack, "Poll")
    return worker, template_of(stack)


@pytest.fixture(scope="module")
def sfn_worker() -> tuple[PollingWorker, Template]:
    stack = new_stack()
    worker = PollingWorker(stack, "Poll", engine="stepfunctions")
    return worker, template_of(stack)


@pytest.fixture(scope="module")
def fleet() -> tuple[QueueWorkerFleet, Template]:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    fleet = QueueWorkerFleet(stack, "Fleet", vpc=vpc)
    return fleet, template_of(stack)


def function_env(template: Template, handler: str) -> dict[str, Any]:
    [function] = template.find_resources(
        "AWS::Lambda::Function", {"Properties": {"Handler": handler}}
    ).values()
    return function["Properties"]["Environment"]["Variables"]


def definition(template: Template) -> dict[str, Any]:
    [machine] = template.find_resources("AWS::StepFunctions::StateMachine").values()
    parts = machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    return json.loads("".join(p if isinstance(p, str) else "ARN" for p in parts))


def alarm_metrics(template: Template) -> list[str]:
    return sorted(
        a["Properties"].get("MetricName", "math")
        for a in template.find_resources("AWS::CloudWatch::Alarm").values()
    )


class TestSqsEngineDefaults:
    def test_work_queue_encrypted_tls_only_with_dlq(self, sqs_worker) -> None:
        _, template = sqs_worker
        template.has_resource_properties(
            "AWS::SQS::Queue",
            {
                # EventBridge sends to the queue: a customer-managed key it may use (not alias/aws/sqs).
                "KmsMasterKeyId": {"Fn::GetAtt": [Match.any_value(), "Arn"]},
                "VisibilityTimeout": 360,
                "RedrivePolicy": {"deadLetterTargetArn": Match.any_value(), "maxReceiveCount": 5},
            },
        )
        template.has_resource_properties(
            "AWS::SQS::Queue",
            {
                "KmsMasterKeyId": {"Fn::GetAtt": [Match.any_value(), "Arn"]},
                "MessageRetentionPeriod": 14 * 86400,
            },
        )
        template.resource_count_is("AWS::SQS::Queue", 2)
        policies = template.find_resources(
            "AWS::SQS::QueuePolicy",
            {
                "Properties": {
                    "PolicyDocument": {
                        "Statement": Match.array_with(
                            [
                                Match.object_like(
                                    {
                                        "Effect": "Deny",
                                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                                    }
                                )
                            ]
                        )
                    }
                }
            },
        )
        assert len(policies) == 2

    def test_consumer_reports_batch_item_failures(self, sqs_worker) -> None:
        _, template = sqs_worker
        template.has_resource_properties(
            "AWS::Lambda::EventSourceMapping",
            {
                # as many 30 s checks as fit, one after another, in the 60 s consumer
                "BatchSize": 2,
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
            },
        )
        template.has_resource_properties(
            "AWS::Lambda::Function",
            {
                "Handler": "poller.handler",
                "Timeout": 60,
                "Architectures": ["arm64"],
                "TracingConfig": {"Mode": "Active"},
            },
        )
        env = function_env(template, "poller.handler")
        assert env["POLL_INTERVAL_SECONDS"] == "300" and env["MAX_ATTEMPTS"] == "288"
        assert env["LEASE_SECONDS"] == "60" and env["DEDUP_TTL_SECONDS"] == "86400"
        assert set(env) >= {"QUEUE_URL", "DEAD_LETTER_QUEUE_URL", "DEDUP_TABLE", "CHECK_FUNCTION"}

    def test_example_check_function(self, sqs_worker) -> None:
        worker, template = sqs_worker
        template.has_resource_properties(
            "AWS::Lambda::Function", {"Handler": "example_check.handler", "Timeout": 30}
        )
        template.resource_count_is("AWS::Lambda::Function", 2)
        assert isinstance(worker.check_function, lambda_.Function)

    def test_dedup_table_with_ttl_retained(self, sqs_worker) -> None:
        _, template = sqs_worker
        template.has_resource(
            "AWS::DynamoDB::Table",
            {
                "DeletionPolicy": "Retain",
                "Properties": {
                    "BillingMode": "PAY_PER_REQUEST",
                    "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": True},
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                },
            },
        )

    def test_consumer_may_resend_dead_letter_and_invoke_the_check(self, sqs_worker) -> None:
        _, template = sqs_worker
        [policy] = template.find_resources(
            "AWS::IAM::Policy",
            {"Properties": {"Roles": [{"Ref": Match.string_like_regexp("PollConsumerRole")}]}},
        ).values()
        statements = policy["Properties"]["PolicyDocument"]["Statement"]
        actions = {
            a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
        }
        assert {
            "sqs:SendMessage",
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "lambda:InvokeFunction",
            "dynamodb:PutItem",
            "dynamodb:GetItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
        } <= actions
        send = [s for s in statements if "sqs:SendMessage" in s["Action"]]
        assert len(send) == 2  # the work queue and the DLQ (not a wildcard)

    def test_eventbridge_rule_routes_to_the_queue(self, sqs_worker) -> None:
        _, template = sqs_worker
        template.has_resource_properties(
            "AWS::Events::Rule",
            {
                "EventPattern": {"source": ["cdp.async-work"], "detail-type": ["Work Requested"]},
                "Targets": [
                    Match.object_like(
                        {
                            "Arn": {"Fn::GetAtt": [Match.string_like_regexp("PollQueue"), "Arn"]},
                            "DeadLetterConfig": {
                                "Arn": {
                                    "Fn::GetAtt": [Match.string_like_regexp("PollQueueDeadLetters"), "Arn"]
                                }
                            },
                            "InputTransformer": {
                                "InputPathsMap": {"id": "$.id", "detail": "$.detail"},
                                "InputTemplate": '{"id":<id>,"payload":<detail>,"attempt":0}',
                            },
                        }
                    )
                ],
            },
        )

    def test_alarms_on_dlq_depth_message_age_and_consumer_errors(self, sqs_worker) -> None:
        worker, template = sqs_worker
        template.has_resource_properties("AWS::CloudWatch::Alarm", DLQ_DEPTH)
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "MetricName": "ApproximateAgeOfOldestMessage",
                "Threshold": 1800,
                "ComparisonOperator": "GreaterThanThreshold",
            },
        )
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm", {"MetricName": "Errors", "Namespace": "AWS/Lambda"}
        )
        assert len(worker.alarms) == 3
        assert not template.find_resources(
            "AWS::CloudWatch::Alarm", {"Properties": {"AlarmActions": Match.any_value()}}
        )

    def test_attributes(self, sqs_worker) -> None:
        worker, template = sqs_worker
        assert worker.engine == "sqs" and worker.state_machine is None
        assert worker.queue is not None and worker.consumer is not None and worker.dedup_table is not None
        template.resource_count_is("AWS::StepFunctions::StateMachine", 0)


class TestStepFunctionsEngineDefaults:
    def test_wait_loop_with_max_iterations(self, sfn_worker) -> None:
        _, template = sfn_worker
        body = definition(template)
        states = body["States"]
        assert body["QueryLanguage"] == "JSONata" and body["StartAt"] == "CheckItem"
        assert body["TimeoutSeconds"] == 300 * 288 + 3600
        assert states["WaitBeforeNextCheck"] == {"Type": "Wait", "Seconds": 300, "Next": "CheckItem"}
        assert states["CheckItem"]["Output"]["attempt"] == "{% $states.input.attempt + 1 %}"
        assert states["CheckItem"]["Resource"].endswith(":states:::lambda:invoke")
        choices = states["Decide"]["Choices"]
        assert choices[1] == {"Condition": "{% $states.input.attempt >= 288 %}", "Next": "GiveUp"}
        assert states["GiveUp"]["Type"] == "Fail" and states["GiveUp"]["Error"] == "MaxAttemptsExceeded"
        assert states["Decide"]["Default"] == "WaitBeforeNextCheck"

    def test_logging_all_and_tracing(self, sfn_worker) -> None:
        _, template = sfn_worker
        template.has_resource_properties(
            "AWS::StepFunctions::StateMachine",
            {
                "StateMachineType": "STANDARD",
                "TracingConfiguration": {"Enabled": True},
                "LoggingConfiguration": {
                    "Level": "ALL",
                    "IncludeExecutionData": False,
                    "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": Match.any_value()}}],
                },
            },
        )
        template.has_resource(
            "AWS::Logs::LogGroup", {"DeletionPolicy": "Retain", "Properties": {"RetentionInDays": 365}}
        )

    def test_rule_starts_the_state_machine(self, sfn_worker) -> None:
        _, template = sfn_worker
        template.has_resource_properties(
            "AWS::Events::Rule",
            {
                "Targets": [
                    Match.object_like(
                        {
                            "Arn": {"Ref": Match.string_like_regexp("PollStateMachine")},
                            "DeadLetterConfig": Match.any_value(),
                            "InputTransformer": Match.object_like(
                                {"InputTemplate": '{"id":<id>,"payload":<detail>,"attempt":0}'}
                            ),
                        }
                    )
                ],
            },
        )

    def test_no_queue_consumer_or_table(self, sfn_worker) -> None:
        worker, template = sfn_worker
        template.resource_count_is("AWS::Lambda::EventSourceMapping", 0)
        template.resource_count_is("AWS::DynamoDB::Table", 0)
        template.resource_count_is("AWS::SQS::Queue", 1)  # the rule's delivery DLQ
        template.resource_count_is("AWS::Lambda::Function", 1)  # the check only
        assert worker.queue is None and worker.consumer is None and worker.event_source is None
        assert worker.state_machine is not None

    def test_alarms_on_failed_and_timed_out_executions_and_dlq(self, sfn_worker) -> None:
        worker, template = sfn_worker
        assert alarm_metrics(template) == [
            "ApproximateNumberOfMessagesVisible",
            "ExecutionsFailed",
            "ExecutionsTimedOut",
        ]
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm", {"MetricName": "ExecutionsFailed", "Threshold": 1}
        )
        assert len(worker.alarms) == 3


class TestOptions:
    def test_bring_your_own_check_function(self) -> None:
        stack = new_stack()
        check = lambda_.Function(
            stack,
            "MyCheck",
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="index.handler",
            code=lambda_.Code.from_inline("def handler(e, c):\n  return {'done': True}"),
            timeout=Duration.seconds(20),
        )
        worker = PollingWorker(stack, "Poll", check_function=check)
        template = template_of(stack)
        assert worker.check_function is check
        template.resource_count_is("AWS::Lambda::Function", 2)  # MyCheck and the consumer
        assert not template.find_resources(
            "AWS::Lambda::Function", {"Properties": {"Handler": "example_check.handler"}}
        )
        assert function_env(template, "poller.handler")["CHECK_FUNCTION"]["Fn::GetAtt"][0].startswith(
            "MyCheck"
        )

    def test_check_from_code_dir(self, tmp_path: Path) -> None:
        (tmp_path / "status.py").write_text("def check(event, context):\n    return {'done': False}\n")
        stack = new_stack()
        PollingWorker(
            stack,
            "Poll",
            engine="stepfunctions",
            check_code_dir=tmp_path,
            check_handler="status.check",
            check_timeout=Duration.seconds(10),
        )
        template_of(stack).has_resource_properties(
            "AWS::Lambda::Function", {"Handler": "status.check", "Timeout": 10}
        )

    def test_sqs_tuning(self) -> None:
        stack = new_stack()
        topic = sns.Topic(stack, "Topic")
        PollingWorker(
            stack,
            "Poll",
            poll_interval=Duration.hours(2),
            max_attempts=12,
            check_timeout=Duration.seconds(5),
            consumer_timeout=Duration.seconds(45),
            visibility_timeout=Duration.minutes(10),
            batch_size=5,
            max_receive_count=3,
            max_message_age=Duration.hours(1),
            removal_policy=RemovalPolicy.DESTROY,
            alarm_topic=topic,
        )
        template = template_of(stack)
        env = function_env(template, "poller.handler")
        assert (
            env["POLL_INTERVAL_SECONDS"] == "7200"
            and env["MAX_ATTEMPTS"] == "12"
            and env["LEASE_SECONDS"] == "45"
        )
        template.has_resource_properties(
            "AWS::SQS::Queue",
            {"VisibilityTimeout": 600, "RedrivePolicy": Match.object_like({"maxReceiveCount": 3})},
        )
        template.has_resource_properties("AWS::Lambda::EventSourceMapping", {"BatchSize": 5})
        template.has_resource_properties(
            "AWS::Lambda::Function", {"Handler": "poller.handler", "Timeout": 45}
        )
        template.has_resource("AWS::DynamoDB::Table", {"DeletionPolicy": "Delete"})
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm", {"MetricName": "ApproximateAgeOfOldestMessage", "Threshold": 3600}
        )
        alarms = template.find_resources("AWS::CloudWatch::Alarm")
        assert len(alarms) == 3
        topic_ref = stack.resolve(topic.topic_arn)
        assert all(a["Properties"]["AlarmActions"] == [topic_ref] for a in alarms.values())
        assert all(a["Properties"]["OKActions"] == [topic_ref] for a in alarms.values())

    def test_default_visibility_is_six_times_the_consumer_timeout(self) -> None:
        stack = new_stack()
        PollingWorker(stack, "Poll", consumer_timeout=Duration.minutes(2))
        template_of(stack).has_resource_properties("AWS::SQS::Queue", {"VisibilityTimeout": 720})

    def test_step_functions_tuning_and_custom_bus_and_pattern(self) -> None:
        stack = new_stack()
        bus = events.EventBus(stack, "Bus")
        PollingWorker(
            stack,
            "Poll",
            engine="stepfunctions",
            poll_interval=Duration.minutes(1),
            max_attempts=5,
            execution_timeout=Duration.hours(2),
            event_bus=bus,
            event_pattern=events.EventPattern(source=["shop.payments"], detail_type=["PaymentPending"]),
        )
        template = template_of(stack)
        body = definition(template)
        assert body["TimeoutSeconds"] == 7200
        assert body["States"]["WaitBeforeNextCheck"]["Seconds"] == 60
        assert body["States"]["Decide"]["Choices"][1]["Condition"] == "{% $states.input.attempt >= 5 %}"
        template.has_resource_properties(
            "AWS::Events::Rule",
            {
                "EventBusName": {"Ref": Match.string_like_regexp("Bus")},
                "EventPattern": {"source": ["shop.payments"], "detail-type": ["PaymentPending"]},
            },
        )


class TestPollingWorkerBadInput:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"engine": "kinesis"}, r"engine='kinesis': must be one of 'sqs', 'stepfunctions', 'beanstalk'"),
            ({"max_attempts": 0}, r"max_attempts=0: must be at least 1"),
            (
                {"poll_interval": Duration.seconds(901), "chain_long_delays": False},
                r"poll_interval='901 s': must be between 0 and 900 s",
            ),
            (
                {"consumer_timeout": Duration.seconds(120), "visibility_timeout": Duration.seconds(600)},
                r"visibility_timeout='600 s': must be at least 6x consumer_timeout \(120 s\)",
            ),
            ({"consumer_timeout": Duration.minutes(20)}, r"consumer_timeout=1200: must be between 1 and 900"),
            (
                {"batch_size": 10},
                r"batch_size=10: 10 checks of up to 30 s each, one after another, do not fit in "
                r"consumer_timeout \(60 s\)",
            ),
            (
                {"consumer_timeout": Duration.seconds(10)},
                r"consumer_timeout='10 s': must cover the check function's timeout \(30 s\)",
            ),
            ({"batch_size": 11}, r"batch_size=11: must be between 1 and 10"),
            ({"max_receive_count": 0}, r"max_receive_count=0: must be at least 1"),
            (
                {"max_message_age": Duration.minutes(5)},
                r"max_message_age='300 s': must exceed one delay hop \(300 s\)",
            ),
            (
                {"check_handler": "x.handler"},
                r"check_code_dir=None: check_code_dir and check_handler go together",
            ),
            (
                {"check_code_dir": Path("/nonexistent/check"), "check_handler": "x.y"},
                r"check_code_dir='/nonexistent/check': is not a directory",
            ),
            (
                {"execution_timeout": Duration.hours(1)},
                r"execution_timeout=.*applies to engine='stepfunctions' only",
            ),
            ({"engine": "stepfunctions", "batch_size": 5}, r"batch_size=5: applies to engine='sqs' only"),
            (
                {"engine": "stepfunctions", "visibility_timeout": Duration.minutes(6)},
                r"visibility_timeout=.*applies to engine='sqs' or 'beanstalk' only",
            ),
            (
                {"engine": "stepfunctions", "poll_interval": Duration.days(2), "max_attempts": 200},
                r"exceeds the one-year limit of a Standard execution",
            ),
        ],
    )
    def test_each_error_names_the_argument(self, kwargs: dict, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            PollingWorker(new_stack(), "Poll", **kwargs)

    def test_check_function_and_code_dir_conflict(self, tmp_path: Path) -> None:
        stack = new_stack()
        check = lambda_.Function(
            stack,
            "C",
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="i.h",
            code=lambda_.Code.from_inline("x=1"),
        )
        with pytest.raises(ValueError, match=r"check_function=.*cannot be combined with check_code_dir"):
            PollingWorker(stack, "Poll", check_function=check, check_code_dir=tmp_path, check_handler="a.b")

    def test_consumer_must_cover_a_given_functions_timeout(self) -> None:
        stack = new_stack()
        check = lambda_.Function(
            stack,
            "C",
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="i.h",
            code=lambda_.Code.from_inline("x=1"),
            timeout=Duration.minutes(2),
        )
        with pytest.raises(ValueError, match=r"must cover the check function's timeout \(120 s\)"):
            PollingWorker(stack, "Poll", check_function=check)

    def test_long_interval_is_fine_when_chained_and_on_step_functions(self) -> None:
        sqs_worker = PollingWorker(
            new_stack(), "Poll", poll_interval=Duration.hours(1), max_message_age=Duration.minutes(20)
        )
        sfn_worker = PollingWorker(
            new_stack(), "Poll", engine="stepfunctions", poll_interval=Duration.hours(1)
        )
        assert (sqs_worker.engine, sfn_worker.engine) == ("sqs", "stepfunctions")
        # the SQS engine waits in hops of at most 15 minutes; the oldest-message alarm is at 20 minutes
        template_of(Stack.of(sqs_worker)).has_resource_properties(
            "AWS::CloudWatch::Alarm", {"MetricName": "ApproximateAgeOfOldestMessage", "Threshold": 1200}
        )

    def test_all_problems_reported_at_once(self) -> None:
        with pytest.raises(ValueError) as error:
            PollingWorker(new_stack(), "Poll", max_attempts=0, batch_size=0, max_receive_count=0)
        assert str(error.value).count("\n  - ") == 3


class TestFleetDefaults:
    def test_queue_with_dlq(self, fleet) -> None:
        _, template = fleet
        template.has_resource_properties(
            "AWS::SQS::Queue",
            {
                "KmsMasterKeyId": "alias/aws/sqs",
                "VisibilityTimeout": 300,
                "RedrivePolicy": Match.object_like({"maxReceiveCount": 5}),
            },
        )
        template.has_resource_properties("AWS::SQS::Queue", {"MessageRetentionPeriod": 1209600})

    def test_cluster_with_container_insights(self, fleet) -> None:
        _, template = fleet
        template.has_resource_properties(
            "AWS::ECS::Cluster", {"ClusterSettings": [{"Name": "containerInsights", "Value": "enabled"}]}
        )

    def test_service_private_with_circuit_breaker_rollback(self, fleet) -> None:
        _, template = fleet
        template.has_resource_properties(
            "AWS::ECS::Service",
            {
                "LaunchType": "FARGATE",
                "DeploymentConfiguration": Match.object_like(
                    {
                        "DeploymentCircuitBreaker": {"Enable": True, "Rollback": True},
                        "MinimumHealthyPercent": 100,
                        "MaximumPercent": 200,
                    }
                ),
                "NetworkConfiguration": {
                    "AwsvpcConfiguration": Match.object_like(
                        {
                            "AssignPublicIp": "DISABLED",
                            "Subnets": [
                                {"Ref": Match.string_like_regexp("VpcPrivateSubnet1")},
                                {"Ref": Match.string_like_regexp("VpcPrivateSubnet2")},
                            ],
                        }
                    )
                },
            },
        )

    def test_container_image_logs_and_environment(self, fleet) -> None:
        _, template = fleet
        [task] = template.find_resources("AWS::ECS::TaskDefinition").values()
        assert task["Properties"]["Cpu"] == "256" and task["Properties"]["Memory"] == "512"
        [container] = task["Properties"]["ContainerDefinitions"]
        assert container["Image"] == "public.ecr.aws/aws-cli/aws-cli:latest"
        assert container["EntryPoint"] == ["sh", "-c"] and "receive-message" in container["Command"][0]
        assert container["ReadonlyRootFilesystem"] is True
        assert container["LogConfiguration"]["LogDriver"] == "awslogs"
        assert {e["Name"] for e in container["Environment"]} == {"QUEUE_URL", "AWS_DEFAULT_REGION"}
        template.has_resource(
            "AWS::Logs::LogGroup", {"DeletionPolicy": "Retain", "Properties": {"RetentionInDays": 365}}
        )

    def test_security_group_has_no_inbound_and_https_out(self, fleet) -> None:
        _, template = fleet
        template.has_resource_properties(
            "AWS::EC2::SecurityGroup",
            {
                "GroupDescription": Match.string_like_regexp("Queue workers"),
                "SecurityGroupEgress": [
                    {
                        "CidrIp": "0.0.0.0/0",
                        "FromPort": 443,
                        "ToPort": 443,
                        "IpProtocol": "tcp",
                        "Description": "HTTPS to AWS APIs",
                    }
                ],
                "SecurityGroupIngress": Match.absent(),
            },
        )

    def test_task_role_consumes_the_queue(self, fleet) -> None:
        _, template = fleet
        template.has_resource_properties(
            "AWS::IAM::Policy",
            {
                "PolicyDocument": {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {
                                    "Action": Match.array_with(["sqs:DeleteMessage", "sqs:ReceiveMessage"]),
                                    "Resource": {
                                        "Fn::GetAtt": [Match.string_like_regexp("FleetQueue"), "Arn"]
                                    },
                                }
                            )
                        ]
                    )
                }
            },
        )

    def test_scales_from_zero_on_backlog(self, fleet) -> None:
        _, template = fleet
        template.has_resource_properties(
            "AWS::ApplicationAutoScaling::ScalableTarget", {"MinCapacity": 0, "MaxCapacity": 4}
        )
        template.has_resource_properties(
            "AWS::ApplicationAutoScaling::ScalingPolicy",
            {
                "StepScalingPolicyConfiguration": Match.object_like(
                    {
                        "AdjustmentType": "ExactCapacity",
                        "StepAdjustments": [{"MetricIntervalUpperBound": 0, "ScalingAdjustment": 0}],
                    }
                )
            },
        )
        template.has_resource_properties(
            "AWS::ApplicationAutoScaling::ScalingPolicy",
            {
                "StepScalingPolicyConfiguration": Match.object_like(
                    {
                        "AdjustmentType": "ExactCapacity",
                        "StepAdjustments": [
                            {
                                "MetricIntervalLowerBound": 0,
                                "MetricIntervalUpperBound": 10,
                                "ScalingAdjustment": 1,
                            },
                            {
                                "MetricIntervalLowerBound": 10,
                                "MetricIntervalUpperBound": 20,
                                "ScalingAdjustment": 2,
                            },
                            {
                                "MetricIntervalLowerBound": 20,
                                "MetricIntervalUpperBound": 30,
                                "ScalingAdjustment": 3,
                            },
                            {"MetricIntervalLowerBound": 30, "ScalingAdjustment": 4},
                        ],
                    }
                )
            },
        )
        # the scaling alarms watch visible + in-flight messages (a math expression)
        upper = template.find_resources(
            "AWS::CloudWatch::Alarm",
            {
                "Properties": {
                    "Threshold": 1,
                    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                    "Metrics": Match.any_value(),
                }
            },
        )
        [alarm] = upper.values()
        expression = next(m for m in alarm["Properties"]["Metrics"] if "Expression" in m)
        assert expression["Expression"] == "visible + inflight"

    def test_alarms_and_attributes(self, fleet) -> None:
        fleet_, template = fleet
        template.has_resource_properties("AWS::CloudWatch::Alarm", DLQ_DEPTH)
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm", {"MetricName": "ApproximateAgeOfOldestMessage", "Threshold": 900}
        )
        assert len(fleet_.alarms) == 2
        assert (
            fleet_.service
            and fleet_.queue
            and fleet_.dead_letter_queue
            and fleet_.scaling
            and fleet_.container
        )


class TestFleetOptions:
    def test_own_image_cluster_and_sizes(self) -> None:
        stack = new_stack()
        vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
        cluster = ecs.Cluster(stack, "Shared", vpc=vpc)
        fleet = QueueWorkerFleet(
            stack,
            "Fleet",
            vpc=vpc,
            cluster=cluster,
            image=ecs.ContainerImage.from_registry("example/worker:1.2"),
            command=["worker", "--drain"],
            environment={"MODE": "batch"},
            cpu=1024,
            memory_mib=2048,
            max_capacity=30,
            messages_per_task=5,
            visibility_timeout=Duration.minutes(15),
            max_receive_count=2,
            max_message_age=Duration.minutes(30),
        )
        template = template_of(stack)
        assert fleet.cluster is cluster
        template.resource_count_is("AWS::ECS::Cluster", 1)
        [task] = template.find_resources("AWS::ECS::TaskDefinition").values()
        [container] = task["Properties"]["ContainerDefinitions"]
        assert container["Image"] == "example/worker:1.2" and container["Command"] == ["worker", "--drain"]
        assert "EntryPoint" not in container
        assert {"Name": "MODE", "Value": "batch"} in container["Environment"]
        assert task["Properties"]["Cpu"] == "1024"
        template.has_resource_properties("AWS::ApplicationAutoScaling::ScalableTarget", {"MaxCapacity": 30})
        template.has_resource_properties("AWS::SQS::Queue", {"VisibilityTimeout": 900})
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm", {"MetricName": "ApproximateAgeOfOldestMessage", "Threshold": 1800}
        )

    def test_own_image_keeps_its_command(self) -> None:
        stack = new_stack()
        vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
        QueueWorkerFleet(
            stack, "Fleet", vpc=vpc, image=ecs.ContainerImage.from_registry("example/worker:1.2")
        )
        [task] = template_of(stack).find_resources("AWS::ECS::TaskDefinition").values()
        assert "Command" not in task["Properties"]["ContainerDefinitions"][0]

    def test_scaling_steps_are_capped_and_reach_max_capacity(self) -> None:
        steps = scaling_steps(30, 5)
        assert steps[0].upper == 0 and steps[0].change == 0
        assert len(steps) == 11 and steps[-1].change == 30
        # capped: 3 tasks from the first message, then 3 more per 15 messages
        assert [(s.lower, s.change) for s in steps[1:4]] == [(1, 3), (16, 6), (31, 9)]
        assert [s.change for s in scaling_steps(3, 10)] == [0, 1, 2, 3]
        assert [s.lower for s in scaling_steps(3, 10)[1:]] == [1, 11, 21]

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"max_capacity": 0}, r"max_capacity=0: must be between 1 and 1000"),
            ({"messages_per_task": 0}, r"messages_per_task=0: must be at least 1"),
            ({"cpu": 300}, r"cpu=300: must be one of"),
            ({"memory_mib": 256}, r"memory_mib=256: Fargate offers 512-2048 MiB with cpu=256"),
            (
                {"visibility_timeout": Duration.hours(13)},
                r"visibility_timeout=46800: must be between 0 and 43200",
            ),
            ({"max_receive_count": 0}, r"max_receive_count=0"),
            ({"command": []}, r"command=\[\]: must not be empty"),
        ],
    )
    def test_bad_input(self, kwargs: dict, message: str) -> None:
        stack = new_stack()
        vpc = ec2.Vpc(stack, "Vpc", max_azs=2)
        with pytest.raises(ValueError, match=message):
            QueueWorkerFleet(stack, "Fleet", vpc=vpc, **kwargs)


class TestCost:
    def test_the_talks_case_is_in_the_talks_order_of_magnitude(self) -> None:
        # 1,000 users, one 1-hour job a day each, checked every minute: 60 checks x 3 transitions x 30,000 jobs
        # = 5.4M transitions = $135 (the talk estimated ~$162 for 1,000 users).
        estimate = estimate_monthly_cost(1000, 60, 3600)
        assert estimate["stepfunctions"].items["stepfunctions"] == pytest.approx(5_400_000 / 1000 * 0.025)
        assert 100 < estimate["stepfunctions"].total < 250
        assert estimate["sqs"].total < estimate["stepfunctions"].total / 10

    def test_items_add_up(self) -> None:
        estimate = estimate_monthly_cost(1000, 60, 3600)
        for engine in estimate.values():
            assert isinstance(engine, EngineCost)
            assert engine.total == pytest.approx(sum(engine.items.values()))
        assert set(estimate["sqs"].items) == {"sqs", "lambda", "dynamodb", "eventbridge"}

    def test_sqs_engine_by_hand(self) -> None:
        # 1 user, 1 job, checked 10 times (every 60 s for 600 s): 10 messages
        sqs = estimate_monthly_cost(1, 60, 600, jobs_per_user_per_month=1)["sqs"].items
        assert sqs["sqs"] == pytest.approx((10 * 3 + 5 * 3 * 60 * 730) / 1e6 * 0.40)
        # consumer overhead, plus each check paid twice (the consumer waits for it)
        gb_s = 10 * 0.15 * 0.25 + 2 * 10 * 0.1 * 0.25
        assert sqs["lambda"] == pytest.approx(20 / 1e6 * 0.20 + gb_s * 0.0000133334)
        assert sqs["dynamodb"] == pytest.approx(20 / 1e6 * 0.625)

    def test_long_intervals_chain_messages(self) -> None:
        volume = cost_model.usage(
            users=1, poll_interval_seconds=3600, duration_seconds=86400, jobs_per_user_per_month=1
        )
        assert (volume.checks, volume.messages, volume.transitions) == (24, 96, 72)

    def test_free_tier_lowers_the_bill(self) -> None:
        small = estimate_monthly_cost(1, 300, 3600, free_tier=True)
        assert small["stepfunctions"].items["stepfunctions"] == 0  # 30 jobs x 12 checks x 3 < 4,000 free
        assert small["sqs"].items["sqs"] == 0
        assert estimate_monthly_cost(1, 300, 3600)["stepfunctions"].items["stepfunctions"] > 0

    def test_table_lists_every_scenario(self) -> None:
        table = cost_model.comparison_table()
        assert table.count("\n") == 6  # header, separator and five scenarios
        assert "| the talk: 1,000 users, every minute, 1-hour jobs | 1 min | 1 h | 1,800,000 |" in table

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"users": -1}, r"users=-1: must be at least 0"),
            ({"poll_interval_seconds": 0}, r"poll_interval_seconds=0: must be positive"),
            ({"duration_seconds": -5}, r"duration_seconds=-5"),
            ({"memory_mb": 64}, r"memory_mb=64: must be between 128 and 10240"),
        ],
    )
    def test_bad_input(self, kwargs: dict, message: str) -> None:
        arguments = {"users": 1, "poll_interval_seconds": 60, "duration_seconds": 60, **kwargs}
        with pytest.raises(ValueError, match=message):
            estimate_monthly_cost(**arguments)


def test_example_stack_composition(example_templates) -> None:
    """The example stack (synthesized once per session, nag and cfn-lint checked in tests/stacks)."""

    template = example_templates["CdpAsyncWork"]
    resources = [r["Type"] for r in template["Resources"].values()]
    assert resources.count("AWS::StepFunctions::StateMachine") == 1
    assert resources.count("AWS::Lambda::EventSourceMapping") == 1
    assert resources.count("AWS::ECS::Service") == 1


def test_cost_table_command_prints_the_table_without_warnings() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "patterns.async_work"], capture_output=True, text=True, check=True
    )
    assert "| scenario |" in result.stdout and "Step Functions" in result.stdout
    assert result.stderr == ""


def test_default_batch_fits_the_consumer_timeout() -> None:
    stack = new_stack()
    PollingWorker(stack, "Poll", check_timeout=Duration.seconds(5), consumer_timeout=Duration.seconds(120))
    # 120 s / 5 s = 24 checks would fit; SQS's Lambda batch for a standard queue here is capped at 10
    template_of(stack).has_resource_properties("AWS::Lambda::EventSourceMapping", {"BatchSize": 10})
