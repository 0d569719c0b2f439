"""ImageRefresh: an instance refresh of an Auto Scaling group started whenever its AMI parameter changes."""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, Duration, RemovalPolicy
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from .._core import Problems, acknowledge, alarm, is_token, log_group, nag_ref, service_key
from .._core.arguments import checked_arguments

REFRESH_IN_PROGRESS = "AutoScaling.InstanceRefreshInProgressException"
"""What Step Functions reports when StartInstanceRefresh finds a refresh already running
(``ServiceName.ErrorName``, the ``Exception`` suffix added to the API's ``InstanceRefreshInProgress``)."""
TRANSIENT_ERRORS = ("AutoScaling.ThrottlingException", "AutoScaling.ResourceContentionException")
"""Throttled calls and a group busy with another update: retried with backoff."""


def group_arn(group_name: str) -> str:
    """The ARN pattern of the Auto Scaling group named ``group_name`` (its ARN embeds a random id)."""
    return (
        f"arn:{Aws.PARTITION}:autoscaling:{Aws.REGION}:{Aws.ACCOUNT_ID}"
        f":autoScalingGroup:*:autoScalingGroupName/{group_name}"
    )


class ImageRefresh(Construct):
    """Rolls an Auto Scaling group onto a new AMI without anyone running ``start-instance-refresh``: an
    EventBridge rule on the SSM ``Parameter Store Change`` event (``Create`` or ``Update``) of the image
    parameter starts a Step Functions state machine whose one task calls
    ``autoscaling:StartInstanceRefresh`` on this group only (rolling, ``SkipMatching`` off since the
    launch template itself did not change). A refresh already running is waited for, then left alone
    (the execution succeeds); throttling is retried. Undeliverable events go to an encrypted dead-letter
    queue. Alarms: failed executions, events in the dead-letter queue. No Lambda function.

    Meant for launch templates that resolve their AMI at launch (``resolve:ssm:``): the new instances
    read the parameter's new value. ``BootstrappedFleet`` creates one when ``resolve_image_at_launch`` and
    ``refresh_on_image_change`` are both true.
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        auto_scaling_group: autoscaling.IAutoScalingGroup,
        image_parameter_name: str,
        min_healthy_percentage: int = 90,
        max_healthy_percentage: int = 100,
        instance_warmup: Duration = Duration.minutes(5),
        wait_for_running_refresh: Duration = Duration.hours(1),
        alarm_topic: sns.ITopic | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        """
        :param auto_scaling_group: the group to refresh (``autoscaling:StartInstanceRefresh`` on it only).
        :param image_parameter_name: the SSM parameter (name, leading ``/`` for a path) whose change starts
            a refresh; a token (a parameter created in the same stack) is fine.
        :param min_healthy_percentage: share of the desired capacity kept in service (0-100). Default 90.
        :param max_healthy_percentage: share in service or pending (100-200, at most 100 above the
            minimum; above 100 launches replacements before terminating). Default 100.
        :param instance_warmup: wait after a new instance is in service before the next replacement
            (0-24 hours). Default 5 minutes.
        :param wait_for_running_refresh: how long to keep retrying (every 10 minutes) while another
            refresh is running before ending successfully (0-24 hours). Default 1 hour.
        :param alarm_topic: SNS topic for the alarms. Default: alarms without actions.
        :param removal_policy: of the dead-letter queue. Default ``RETAIN``.
        """
        super().__init__(scope, id)
        problems = Problems("ImageRefresh")
        problems.between("min_healthy_percentage", min_healthy_percentage, 0, 100)
        problems.between("max_healthy_percentage", max_healthy_percentage, 100, 200)
        if (
            not is_token(max_healthy_percentage)
            and not is_token(min_healthy_percentage)
            and max_healthy_percentage - min_healthy_percentage > 100
        ):
            problems.add(
                "max_healthy_percentage",
                max_healthy_percentage,
                f"at most 100 above min_healthy_percentage={min_healthy_percentage}",
            )
        warmup_seconds = int(instance_warmup.to_seconds())
        wait_minutes = int(wait_for_running_refresh.to_seconds()) // 60
        problems.between("instance_warmup", warmup_seconds, 0, 86400)
        problems.between("wait_for_running_refresh", wait_minutes, 0, 24 * 60)
        problems.raise_if_any()

        group_name = auto_scaling_group.auto_scaling_group_name
        retries_while_running = wait_minutes // 10
        start = tasks.CallAwsService(
            self,
            "StartInstanceRefresh",
            state_name="Start instance refresh",
            service="autoscaling",
            action="startInstanceRefresh",
            iam_action="autoscaling:StartInstanceRefresh",
            iam_resources=[group_arn(group_name)],
            parameters={
                "AutoScalingGroupName": group_name,
                "Strategy": "Rolling",
                "Preferences": {
                    "MinHealthyPercentage": min_healthy_percentage,
                    "MaxHealthyPercentage": max_healthy_percentage,
                    "InstanceWarmup": warmup_seconds,
                    # The launch template did not change, only what resolve:ssm returns: replace all.
                    "SkipMatching": False,
                },
            },
            result_path="$.refresh",
        )
        start.add_retry(
            errors=list(TRANSIENT_ERRORS),
            interval=Duration.seconds(5),
            backoff_rate=2,
            max_attempts=6,
        )
        if retries_while_running:
            start.add_retry(
                errors=[REFRESH_IN_PROGRESS],
                interval=Duration.minutes(10),
                backoff_rate=1,
                max_attempts=retries_while_running,
            )
        start.add_catch(
            sfn.Succeed(
                self,
                "AlreadyRefreshing",
                state_name="Refresh already running",
                comment="Instances it launches from now on resolve the new AMI too.",
            ),
            errors=[REFRESH_IN_PROGRESS],
            result_path="$.error",
        )
        self.log_group = log_group(self, "Logs")
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            definition_body=sfn.DefinitionBody.from_chainable(start),
            state_machine_type=sfn.StateMachineType.STANDARD,
            timeout=Duration.minutes(wait_minutes + 30),
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=self.log_group, level=sfn.LogLevel.ALL),
            comment="Starts an instance refresh of one Auto Scaling group when its AMI parameter changes",
        )
        findings = {
            "AwsSolutions-IAM5[Resource::*]": "X-Ray tracing and CloudWatch Logs delivery (logs:CreateLogDelivery "
            "and related) support no resource-level permissions.",
        }
        group_ref = nag_ref(auto_scaling_group, None) or (None if is_token(group_name) else group_name)
        if group_ref is not None:
            findings[
                "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:autoscaling:<AWS::Region>:<AWS::AccountId>"
                f":autoScalingGroup:*:autoScalingGroupName/{group_ref}]"
            ] = (
                "Only this Auto Scaling group: its ARN embeds a random id CloudFormation does not return, so "
                "the id part is a wildcard and the name is exact."
            )
        acknowledge(self.state_machine.role, findings)

        self.dead_letter_queue = sqs.Queue(
            self,
            "DeadLetters",
            # EventBridge writes here: a customer-managed key it may use (it cannot use alias/aws/sqs).
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=service_key(
                self,
                "DeadLettersKey",
                description="Encrypts the image refresh dead-letter queue",
                services=["events.amazonaws.com"],
                removal_policy=removal_policy,
            ),
            enforce_ssl=True,
            retention_period=Duration.days(14),
            removal_policy=removal_policy,
        )
        acknowledge(
            self.dead_letter_queue,
            {
                "AwsSolutions-SQS3": "This queue is itself a dead-letter queue: EventBridge puts the parameter "
                "change events it could not deliver to the state machine here.",
            },
        )
        self.rule = events.Rule(
            self,
            "OnImageChange",
            description="A new AMI id in the fleet's image parameter: start an instance refresh",
            event_pattern=events.EventPattern(
                source=["aws.ssm"],
                detail_type=["Parameter Store Change"],
                detail={"name": [image_parameter_name], "operation": ["Create", "Update"]},
            ),
            targets=[
                targets.SfnStateMachine(
                    self.state_machine,
                    dead_letter_queue=self.dead_letter_queue,
                    retry_attempts=8,
                    max_event_age=Duration.hours(2),
                )
            ],
        )
        self.alarms: list[cw.Alarm] = [
            alarm(
                self,
                "FailedAlarm",
                metric=self.metric_failed(),
                threshold=1,
                topic=alarm_topic,
                description="The instance refresh for a new AMI could not be started (see the state machine's "
                "execution history); start it with aws autoscaling start-instance-refresh.",
            ),
            alarm(
                self,
                "UndeliveredAlarm",
                metric=self.metric_dead_letter_messages(),
                threshold=1,
                topic=alarm_topic,
                description="An AMI parameter change never reached the refresh state machine (events in its "
                "dead-letter queue): start the instance refresh by hand.",
            ),
        ]

    # --- what aws-cdk-lib users reach for: metrics ------------------------------------------------
    def metric_failed(self, **props: Any) -> cw.Metric:
        """Refreshes that could not be started (failed executions, Sum over 5 minutes): what
        ``FailedAlarm`` watches. ``props`` are ``cloudwatch.MetricOptions``."""
        return self.state_machine.metric_failed(
            **{"period": Duration.minutes(5), "statistic": "Sum", **props}
        )

    def metric_dead_letter_messages(self, **props: Any) -> cw.Metric:
        """Parameter changes that never reached the state machine (DLQ depth, Maximum over 5 minutes):
        what ``UndeliveredAlarm`` watches."""
        return self.dead_letter_queue.metric_approximate_number_of_messages_visible(
            **{"period": Duration.minutes(5), "statistic": "Maximum", **props}
        )
