"""Example stack: the async work pattern (polling with SQS and Lambda, with an Elastic Beanstalk worker
tier, and with Step Functions, and a worker fleet)."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_events as events
from constructs import Construct

from patterns._core import alarm_topic, encrypt_log_groups, service_key
from patterns.async_work import PollingWorker, QueueWorkerFleet
from patterns.network import SecureNetwork

from . import context


class AsyncWorkStack(Stack):
    """Context keys (defaults are safe to synthesize):

    - ``poll_interval_seconds``: wait between two checks, default ``300``
    - ``max_attempts``: checks before giving up, default ``288`` (one day)
    - ``fleet_max_tasks``: most worker tasks, default ``4``
    - ``beanstalk_instance_type``: the Beanstalk worker's instance type, default ``t4g.nano``
    - ``beanstalk_solution_stack``: its platform, default ``PollingWorker``'s (a current Python 3 on AL2023)

    Start work with ``aws events put-events`` and source ``cdp.async-work``, detail-type
    ``Work Requested`` (SQS engine), ``Work Requested (Beanstalk)`` or ``Work Requested (Step Functions)``.
    """

    USES_NETWORK = True

    def __init__(self, scope: Construct, id: str, *, network: SecureNetwork, **kwargs: Any) -> None:
        """``network``: the shared network (the worker fleet runs in its private tier)."""
        super().__init__(scope, id, **kwargs)
        key = service_key(self, "OperationsKey", description="Encrypts the alarm topic and the log groups")
        self.alarm_topic = alarm_topic(self, "Alarms", encryption_key=key)
        poll_interval = Duration.seconds(context.number(self, "poll_interval_seconds", 300))
        max_attempts = context.number(self, "max_attempts", 288)
        self.sqs_worker = PollingWorker(
            self,
            "SqsPolling",
            poll_interval=poll_interval,
            max_attempts=max_attempts,
            alarm_topic=self.alarm_topic,
        )
        self.step_functions_worker = PollingWorker(
            self,
            "StepFunctionsPolling",
            engine="stepfunctions",
            check_function=self.sqs_worker.check_function,
            poll_interval=poll_interval,
            max_attempts=max_attempts,
            alarm_topic=self.alarm_topic,
            event_pattern=events.EventPattern(
                source=["cdp.async-work"], detail_type=["Work Requested (Step Functions)"]
            ),
        )
        self.network = network
        # The talk's design: an Elastic Beanstalk worker (one small instance) that calls the check Lambda.
        self.beanstalk_worker = PollingWorker(
            self,
            "BeanstalkPolling",
            engine="beanstalk",
            vpc=self.network.vpc,
            instance_type=context.text(self, "beanstalk_instance_type", "t4g.nano"),
            solution_stack=context.text(self, "beanstalk_solution_stack", "") or None,
            check_function=self.sqs_worker.check_function,
            poll_interval=poll_interval,
            max_attempts=max_attempts,
            alarm_topic=self.alarm_topic,
            event_pattern=events.EventPattern(
                source=["cdp.async-work"], detail_type=["Work Requested (Beanstalk)"]
            ),
        )
        self.fleet = QueueWorkerFleet(
            self,
            "WorkerFleet",
            vpc=self.network.vpc,
            max_capacity=context.number(self, "fleet_max_tasks", 4),
            alarm_topic=self.alarm_topic,
        )
        CfnOutput(self, "PollingQueueUrl", value=self.sqs_worker.queue.queue_url)  # type: ignore[union-attr]
        CfnOutput(self, "BeanstalkQueueUrl", value=self.beanstalk_worker.queue.queue_url)  # type: ignore[union-attr]
        CfnOutput(self, "BeanstalkEnvironment", value=self.beanstalk_worker.beanstalk.environment_name)  # type: ignore[union-attr]
        CfnOutput(self, "StateMachineArn", value=self.step_functions_worker.state_machine.state_machine_arn)  # type: ignore[union-attr]
        CfnOutput(self, "FleetQueueUrl", value=self.fleet.queue.queue_url)
        encrypt_log_groups(self, key)  # last: every log group of the stack exists now
