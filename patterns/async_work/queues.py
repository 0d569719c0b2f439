"""The work queue with its dead-letter queue, and the alarms on them (shared by both async constructs)."""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from .._core import alarm, service_key

DEAD_LETTER_RETENTION = Duration.days(14)
"""SQS's maximum retention: a dead letter keeps its first enqueue time, so the DLQ must keep it longest."""

MAX_VISIBILITY_TIMEOUT_SECONDS = 12 * 3600
"""SQS's maximum visibility timeout."""

VISIBILITY_PER_FUNCTION_TIMEOUT = 6
"""AWS's advice for a Lambda consumer: visibility timeout at least six times the function timeout."""


def _encryption(encryption_key: kms.IKey | None) -> dict[str, object]:
    """SSE-KMS: the AWS managed key ``alias/aws/sqs`` by default, or the customer-managed key given (needed
    when an AWS service such as EventBridge sends to the queue: the AWS managed key cannot be granted)."""
    if encryption_key is None:
        return {"encryption": sqs.QueueEncryption.KMS_MANAGED}
    return {"encryption": sqs.QueueEncryption.KMS, "encryption_master_key": encryption_key}


def event_queue_key(
    scope: Construct, id: str, *, removal_policy: RemovalPolicy = RemovalPolicy.RETAIN
) -> kms.Key:
    """A customer-managed key for queues EventBridge sends to (as target or as target DLQ): EventBridge
    cannot use the AWS managed key ``alias/aws/sqs``. Rotated yearly; retained like the queues."""
    return service_key(
        scope,
        id,
        description="Encrypts the queues EventBridge sends to",
        services=["events.amazonaws.com"],
        removal_policy=removal_policy,
    )


def dead_letter_queue(
    scope: Construct,
    id: str,
    *,
    removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    encryption_key: kms.IKey | None = None,
) -> sqs.Queue:
    """An encrypted (SSE-KMS, ``alias/aws/sqs`` unless ``encryption_key``), TLS-only queue that keeps
    messages 14 days, retained by default: the failed work in it is the evidence an operator needs."""
    return sqs.Queue(
        scope,
        id,
        **_encryption(encryption_key),  # type: ignore[arg-type]
        enforce_ssl=True,
        retention_period=DEAD_LETTER_RETENTION,
        removal_policy=removal_policy,
    )


def work_queue(
    scope: Construct,
    id: str,
    *,
    visibility_timeout: Duration,
    max_receive_count: int,
    retention_period: Duration = Duration.days(4),
    removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    encryption_key: kms.IKey | None = None,
) -> tuple[sqs.Queue, sqs.Queue]:
    """An encrypted (SSE-KMS, ``alias/aws/sqs`` unless ``encryption_key``), TLS-only queue and its
    dead-letter queue (``<id>DeadLetters``): ``(queue, dlq)``. Both are retained by default (work in
    flight and failed work outlive the stack)."""
    dlq = dead_letter_queue(
        scope, f"{id}DeadLetters", removal_policy=removal_policy, encryption_key=encryption_key
    )
    queue = sqs.Queue(
        scope,
        id,
        **_encryption(encryption_key),  # type: ignore[arg-type]
        enforce_ssl=True,
        visibility_timeout=visibility_timeout,
        retention_period=retention_period,
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=max_receive_count),
        removal_policy=removal_policy,
    )
    return queue, dlq


def dead_letter_metric(queue: sqs.IQueue, **props: Any) -> cw.Metric:
    """Messages visible in the dead-letter ``queue`` (default: Maximum over 1 minute)."""
    return queue.metric_approximate_number_of_messages_visible(
        **{"period": Duration.minutes(1), "statistic": "Maximum", **props}
    )


def oldest_message_metric(queue: sqs.IQueue, **props: Any) -> cw.Metric:
    """Age in seconds of the oldest message of ``queue`` (default: Maximum over 1 minute)."""
    return queue.metric_approximate_age_of_oldest_message(
        **{"period": Duration.minutes(1), "statistic": "Maximum", **props}
    )


def dead_letter_alarm(scope: Construct, id: str, *, queue: sqs.IQueue, topic: sns.ITopic | None) -> cw.Alarm:
    """ALARM as soon as one message is visible in the dead-letter queue."""
    return alarm(
        scope,
        id,
        metric=dead_letter_metric(queue),
        threshold=1,
        description="Messages in the dead-letter queue: work that failed or never finished. Inspect, then redrive.",
        topic=topic,
    )


def oldest_message_alarm(
    scope: Construct, id: str, *, queue: sqs.IQueue, max_age: Duration, topic: sns.ITopic | None
) -> cw.Alarm:
    """ALARM when the oldest message of ``queue`` is older than ``max_age`` (consumers stuck or too slow)."""
    return alarm(
        scope,
        id,
        metric=oldest_message_metric(queue),
        threshold=max_age.to_seconds(),
        comparison=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluation_periods=5,
        datapoints_to_alarm=3,
        description=f"The oldest message waited more than {max_age.to_seconds()} s: consumers are stuck or too few.",
        topic=topic,
    )


class QueueConventions:
    """The grants and metrics of a construct that owns a work queue and its dead-letter queue
    (``PollingWorker`` with ``engine='sqs'``, ``QueueWorkerFleet``), named as aws-cdk-lib names them.

    The owner sets ``dead_letter_queue`` and implements ``_work_queue(member)``, which returns the work
    queue or raises a ``ValueError`` naming ``member`` when the construct has none.
    """

    dead_letter_queue: sqs.Queue

    def _work_queue(self, member: str) -> sqs.Queue:
        raise NotImplementedError

    def grant_send_messages(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` send work items straight to the work queue."""
        return self._work_queue("grant_send_messages").grant_send_messages(grantee)

    def grant_consume_messages(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` receive and delete messages of the work queue."""
        return self._work_queue("grant_consume_messages").grant_consume_messages(grantee)

    def grant_redrive(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` inspect and redrive the dead-letter queue (consume from it, start a message
        move task back to the source)."""
        return self.dead_letter_queue.grant_consume_messages(grantee).combine(
            iam.Grant.add_to_principal(
                grantee=grantee,
                actions=["sqs:StartMessageMoveTask", "sqs:ListMessageMoveTasks", "sqs:CancelMessageMoveTask"],
                resource_arns=[self.dead_letter_queue.queue_arn],
            )
        )

    def metric_dead_letter_messages(self, **props: Any) -> cw.Metric:
        """Messages in the dead-letter queue (``ApproximateNumberOfMessagesVisible``, Maximum over 1
        minute): what the ``DeadLetterAlarm`` watches. ``props`` are ``cloudwatch.MetricOptions``."""
        return dead_letter_metric(self.dead_letter_queue, **props)

    def metric_approximate_age_of_oldest_message(self, **props: Any) -> cw.Metric:
        """Age of the oldest work item in seconds (Maximum over 1 minute): what the
        ``OldestMessageAlarm`` watches."""
        return oldest_message_metric(self._work_queue("metric_approximate_age_of_oldest_message"), **props)

    def metric_approximate_number_of_messages_visible(self, **props: Any) -> cw.Metric:
        """Work items waiting in the work queue (Maximum over 1 minute)."""
        return self._work_queue(
            "metric_approximate_number_of_messages_visible"
        ).metric_approximate_number_of_messages_visible(
            **{"period": Duration.minutes(1), "statistic": "Maximum", **props}
        )
