"""QueueWorkerFleet: a queue and the Fargate service that drains it, scaled on backlog, down to zero."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import jsii
from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_applicationautoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from .._core import DEFAULT_LOG_RETENTION, Problems, acknowledge, log_group, renamed_arguments
from .._core.arguments import DeployTimeList, checked_arguments
from .._core.environment import check_environment
from .._core.limits import check_cluster_in_vpc, check_duration, check_fargate_size, check_subnets_in_vpc
from .queues import (
    MAX_VISIBILITY_TIMEOUT_SECONDS,
    QueueConventions,
    dead_letter_alarm,
    oldest_message_alarm,
    work_queue,
)

DEFAULT_IMAGE = "public.ecr.aws/aws-cli/aws-cli:latest"
"""The default worker: the AWS CLI in a shell loop that receives, logs and deletes one message at a time."""

DEFAULT_WORKER_SCRIPT = (
    "while true; do "
    'msg=$(aws sqs receive-message --queue-url "$QUEUE_URL" --wait-time-seconds 20 --max-number-of-messages 1 '
    "--query 'Messages[0].[ReceiptHandle,Body]' --output text); "
    'if [ -n "$msg" ] && [ "$msg" != "None" ]; then '
    "handle=$(printf '%s' \"$msg\" | cut -f1); "
    'echo "processing: $(printf \'%s\' "$msg" | cut -f2-)"; '
    'aws sqs delete-message --queue-url "$QUEUE_URL" --receipt-handle "$handle"; '
    "fi; done"
)

FARGATE_CPU = (256, 512, 1024, 2048, 4096, 8192, 16384)
MAX_SCALING_STEPS = 10
"""Scale-out steps at most (Application Auto Scaling allows 20 step adjustments per policy)."""


def scaling_steps(max_capacity: int, messages_per_task: int) -> list[autoscaling.ScalingInterval]:
    """Exact-capacity steps: 0 tasks for an empty backlog, else ceil(backlog / messages_per_task) tasks,
    rounded up to the next of at most ``MAX_SCALING_STEPS`` levels, up to ``max_capacity``."""
    count = min(max_capacity, MAX_SCALING_STEPS)
    levels = sorted({math.ceil(max_capacity * i / count) for i in range(1, count + 1)})
    steps = [autoscaling.ScalingInterval(upper=0, change=0)]
    previous = 0
    for tasks in levels:
        steps.append(autoscaling.ScalingInterval(lower=previous * messages_per_task + 1, change=tasks))
        previous = tasks
    return steps


@jsii.implements(ec2.IConnectable)
class QueueWorkerFleet(Construct, QueueConventions):
    """A queue (with DLQ) drained by an ECS Fargate service that scales on the backlog per task.

    The backlog (visible plus in-flight messages) sets the exact number of tasks:
    ``ceil(backlog / messages_per_task)`` up to ``max_capacity``, and zero when the queue is empty, so an
    idle fleet costs nothing but the queue. This is the Beanstalk worker tier (the talk's t2.nano calling
    Lambda) as a managed, scale-to-zero service.
    """

    @renamed_arguments("0.2.0", memory_limit_mib="memory_mib", max_tasks="max_capacity")
    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        cluster: ecs.ICluster | None = None,
        image: ecs.ContainerImage | None = None,
        command: DeployTimeList | None = None,
        environment: Mapping[str, str] | None = None,
        secrets: Mapping[str, ecs.Secret] | None = None,
        cpu: int = 256,
        memory_mib: int = 512,
        max_capacity: int = 4,
        messages_per_task: int = 10,
        visibility_timeout: Duration = Duration.minutes(5),
        max_receive_count: int = 5,
        vpc_subnets: ec2.SubnetSelection | None = None,
        log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
        max_message_age: Duration = Duration.minutes(15),
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        alarm_topic: sns.ITopic | None = None,
        encryption_key: kms.IKey | None = None,
    ) -> None:
        """
        :param vpc: the VPC of the tasks (required), e.g. ``SecureNetwork(...).vpc``.
        :param cluster: an ECS cluster in ``vpc``. Default: a new cluster with Container Insights.
        :param image: the worker image; it reads ``QUEUE_URL`` from its environment. Default: the AWS
            CLI image running a receive-log-delete loop (``DEFAULT_WORKER_SCRIPT``).
        :param command: the container command. Default: the image's own (for the default image, the
            demo loop).
        :param environment: extra environment variables for the worker (configuration: a name that
            looks like a secret, such as ``DB_PASSWORD``, is refused as plain text). Default none.
        :param secrets: credentials for the worker from Secrets Manager or SSM
            (``ecs.Secret.from_secrets_manager(...)``), injected at start, never in the task definition.
            Default none.
        :param cpu: task CPU units (256 to 16384). Default 256.
        :param memory_mib: task memory. Default 512.
        :param max_capacity: most tasks at once, at least 1. Default 4.
        :param messages_per_task: backlog one task is expected to handle; one more task per this many
            messages. Default 10.
        :param visibility_timeout: the queue's visibility timeout (longest processing of a message).
            Default 5 minutes.
        :param max_receive_count: receives before a message goes to the DLQ. Default 5.
        :param vpc_subnets: where the tasks run. Default: the private subnets with egress (no public IPs).
        :param log_retention: retention of the worker logs. Default one year.
        :param max_message_age: alarm when the oldest message waited longer. Default 15 minutes.
        :param removal_policy: of the queue and its dead-letter queue. Default ``RETAIN``: queued and
            failed work outlive the stack.
        :param alarm_topic: SNS topic for the alarms. Default: alarms are created without actions.
        :param encryption_key: a customer-managed key for both queues. Default: the AWS managed key
            ``alias/aws/sqs``, which AWS services (S3 notifications, SNS, EventBridge) cannot use: give a
            key they are granted (``patterns._core.service_key``) to let one of them send work.
        """
        super().__init__(scope, id)
        problems = Problems("QueueWorkerFleet")
        for name, value in (("max_capacity", max_capacity), ("messages_per_task", messages_per_task)):
            problems.require_literal(name, value, "the scaling steps are computed from it")
        problems.between("max_capacity", max_capacity, 1, 1000)
        problems.at_least("messages_per_task", messages_per_task, 1)
        problems.at_least("max_receive_count", max_receive_count, 1)
        check_fargate_size(problems, cpu, memory_mib, memory_argument="memory_mib")
        check_environment(problems, environment or {}, secrets or {})
        check_duration(problems, "visibility_timeout", visibility_timeout)
        check_cluster_in_vpc(problems, "cluster", cluster, vpc)
        check_subnets_in_vpc(problems, "vpc_subnets", vpc_subnets, vpc)
        if not visibility_timeout.is_unresolved():
            problems.between(
                "visibility_timeout", visibility_timeout.to_seconds(), 0, MAX_VISIBILITY_TIMEOUT_SECONDS
            )
        if not max_message_age.is_unresolved():
            problems.at_least("max_message_age", max_message_age.to_seconds(), 60)
        if command is not None and not command:
            problems.add("command", command, "must not be empty; omit it to use the image's command")
        problems.raise_if_any()

        self.queue: sqs.Queue
        self.dead_letter_queue: sqs.Queue
        self.queue, self.dead_letter_queue = work_queue(
            self,
            "Queue",
            visibility_timeout=visibility_timeout,
            max_receive_count=max_receive_count,
            removal_policy=removal_policy,
            encryption_key=encryption_key,
        )
        self.cluster: ecs.ICluster = cluster or ecs.Cluster(
            self, "Cluster", vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENABLED
        )
        self.log_group = log_group(self, "Logs", retention=log_retention)
        self.task_definition = ecs.FargateTaskDefinition(
            self, "TaskDefinition", cpu=cpu, memory_limit_mib=memory_mib
        )
        default_image = image is None
        self.container = self.task_definition.add_container(
            "Worker",
            image=image or ecs.ContainerImage.from_registry(DEFAULT_IMAGE),
            entry_point=["sh", "-c"] if default_image and command is None else None,
            command=list(command)
            if command is not None
            else ([DEFAULT_WORKER_SCRIPT] if default_image else None),
            environment={
                "QUEUE_URL": self.queue.queue_url,
                "AWS_DEFAULT_REGION": Stack.of(self).region,
                **dict(environment or {}),
            },
            secrets=dict(secrets) if secrets else None,
            logging=ecs.LogDrivers.aws_logs(stream_prefix="worker", log_group=self.log_group),
            readonly_root_filesystem=True,
        )
        acknowledge(
            self.task_definition,
            {
                "AwsSolutions-ECS2": "The environment holds the queue URL, the region and configuration: names "
                "that look like secrets are refused as plain text at construction; credentials come through "
                "secrets= (ecs.Secret).",
            },
        )
        self.queue.grant_consume_messages(self.task_definition.task_role)
        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            allow_all_outbound=False,
            description="Queue workers: no inbound; HTTPS out to AWS APIs",
        )
        self.security_group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS to AWS APIs")
        self.service = ecs.FargateService(
            self,
            "Service",
            cluster=self.cluster,
            task_definition=self.task_definition,
            vpc_subnets=vpc_subnets or ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            security_groups=[self.security_group],
            assign_public_ip=False,
            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
            min_healthy_percent=100,
            max_healthy_percent=200,
        )
        self.backlog = cw.MathExpression(
            expression="visible + inflight",
            using_metrics={
                "visible": self.queue.metric_approximate_number_of_messages_visible(
                    period=Duration.minutes(1), statistic="Maximum"
                ),
                "inflight": self.queue.metric_approximate_number_of_messages_not_visible(
                    period=Duration.minutes(1), statistic="Maximum"
                ),
            },
            label="Backlog (visible + in flight)",
            period=Duration.minutes(1),
        )
        self.scaling = self.service.auto_scale_task_count(min_capacity=0, max_capacity=max_capacity)
        self.scaling.scale_on_metric(
            "ScaleOnBacklog",
            metric=self.backlog,
            scaling_steps=scaling_steps(max_capacity, messages_per_task),
            adjustment_type=autoscaling.AdjustmentType.EXACT_CAPACITY,
            cooldown=Duration.minutes(1),
        )
        self.alarms: list[cw.Alarm] = [
            dead_letter_alarm(self, "DeadLetterAlarm", queue=self.dead_letter_queue, topic=alarm_topic),
            oldest_message_alarm(
                self, "OldestMessageAlarm", queue=self.queue, max_age=max_message_age, topic=alarm_topic
            ),
        ]

    # --- what aws-cdk-lib users reach for: grants and metrics ---------------------------------------
    def metric_backlog(self) -> cw.MathExpression:
        """Work items visible plus in flight (Maximum over 1 minute): what the service scales on
        (the same object as ``backlog``)."""
        return self.backlog

    def metric_cpu_utilization(self, **props: Any) -> cw.Metric:
        """The workers' CPU utilization (``AWS/ECS``, Average over 5 minutes)."""
        return self.service.metric_cpu_utilization(**props)

    def metric_memory_utilization(self, **props: Any) -> cw.Metric:
        """The workers' memory utilization (``AWS/ECS``, Average over 5 minutes)."""
        return self.service.metric_memory_utilization(**props)

    @property
    def connections(self) -> ec2.Connections:
        """The workers' security group (no inbound by default): ``fleet.connections.allow_to(db, port)``."""
        return self.service.connections

    def _work_queue(self, member: str) -> sqs.Queue:
        return self.queue
