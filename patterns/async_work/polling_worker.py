"""PollingWorker: check work again later until it is done, with SQS delays (consumed by Lambda or by an
Elastic Beanstalk worker tier) or a Step Functions Wait loop."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from .._core import Problems, acknowledge, alarm, log_group, nag_ref, python_function
from .._core.arguments import checked_arguments
from .._core.limits import check_duration
from .beanstalk_worker import (
    DEFAULT_INSTANCE_TYPE,
    DEFAULT_SOLUTION_STACK,
    BeanstalkWorker,
    check_beanstalk_arguments,
)
from .queues import (
    MAX_VISIBILITY_TIMEOUT_SECONDS,
    VISIBILITY_PER_FUNCTION_TIMEOUT,
    QueueConventions,
    dead_letter_alarm,
    dead_letter_queue,
    event_queue_key,
    oldest_message_alarm,
    work_queue,
)

RUNTIME = Path(__file__).resolve().parent / "runtime"
MAX_DELAY_SECONDS = 900
"""SQS's per-message DelaySeconds maximum; longer waits are chained re-sends."""
MAX_STANDARD_EXECUTION = Duration.days(365)
"""A Standard state machine execution runs one year at most."""
DEDUP_TTL = Duration.days(1)
"""How long the SQS engine remembers a processed step (duplicates arrive within minutes)."""
DEFAULT_EVENT_SOURCE = "cdp.async-work"
DEFAULT_DETAIL_TYPE = "Work Requested"

Engine = Literal["sqs", "stepfunctions", "beanstalk"]
ENGINES = ("sqs", "stepfunctions", "beanstalk")


def _seconds(duration: Duration | None) -> float | None:
    if duration is None or duration.is_unresolved():
        return None
    return duration.to_seconds()


class PollingWorker(Construct, QueueConventions):
    """Work that must be checked again later until it is done (an external job, a payment, an export).

    An event on EventBridge starts it; a check function answers ``{"done": true|false}`` for the item
    ``{"id", "payload", "attempt"}``. Engine ``"sqs"`` (default): a Lambda consumer checks each message
    and re-sends a not-yet-done item with a per-message delay (chained past SQS's 15 minutes), counting
    attempts in the message and dead-lettering it after ``max_attempts``; duplicates are dropped with a
    DynamoDB ledger. Engine ``"beanstalk"``: the same protocol and code (``runtime/poller.py``), run by
    a WSGI app on an Elastic Beanstalk worker tier (one t4g.nano by default) whose SQS daemon posts each
    message of a KMS-encrypted queue to it. Engine ``"stepfunctions"``: a Standard state machine loops
    Check -> Decide -> Wait and fails after ``max_attempts``. ``patterns.async_work.estimate_monthly_cost``
    compares the three.
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        engine: Engine = "sqs",
        check_function: lambda_.IFunction | None = None,
        check_code_dir: Path | None = None,
        check_handler: str | None = None,
        check_timeout: Duration = Duration.seconds(30),
        poll_interval: Duration = Duration.minutes(5),
        max_attempts: int = 288,
        chain_long_delays: bool = True,
        consumer_timeout: Duration = Duration.seconds(60),
        visibility_timeout: Duration | None = None,
        batch_size: int | None = None,
        max_receive_count: int = 5,
        execution_timeout: Duration | None = None,
        event_bus: events.IEventBus | None = None,
        event_pattern: events.EventPattern | None = None,
        max_message_age: Duration = Duration.minutes(30),
        vpc: ec2.IVpc | None = None,
        vpc_subnets: ec2.SubnetSelection | None = None,
        instance_type: str | None = None,
        solution_stack: str | None = None,
        http_path: str | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        alarm_topic: sns.ITopic | None = None,
    ) -> None:
        """
        :param engine: ``"sqs"`` (default: SQS delays and a Lambda consumer, cheapest),
            ``"stepfunctions"`` (a Standard state machine with a Wait loop, visible in the console) or
            ``"beanstalk"`` (SQS delays consumed by an Elastic Beanstalk worker tier, the talk's design;
            needs ``vpc``).
        :param check_function: the function that answers ``{"done": bool}``. Default: a new function
            from ``check_code_dir``/``check_handler``, or the example check (``runtime/example_check.py``).
        :param check_code_dir: source folder of a check function to create (with ``check_handler``).
            Default: this pattern's ``runtime/`` folder.
        :param check_handler: ``module.function`` in ``check_code_dir``. Default ``example_check.handler``.
        :param check_timeout: timeout of a created check function. Default 30 seconds.
        :param poll_interval: wait between two checks. Default 5 minutes.
        :param max_attempts: checks before giving up (DLQ or failed execution), at least 1. Default 288
            (one day at the default interval).
        :param chain_long_delays: SQS engine: allow a ``poll_interval`` above SQS's 900-second delay,
            waited as a chain of re-sends. Default ``True``; ``False`` makes a longer interval an error.
        :param consumer_timeout: SQS engine: the consumer function's timeout (it waits for the check);
            Beanstalk engine: the daemon's inactivity timeout (how long it waits for the app's answer),
            below ``visibility_timeout``. Default 60 seconds.
        :param visibility_timeout: SQS and Beanstalk engines: the queue's visibility timeout, at least six
            times ``consumer_timeout`` for the Lambda consumer, above it for Beanstalk. Default: six times
            ``consumer_timeout``.
        :param batch_size: SQS engine: messages per consumer invocation, 1 to 10; the consumer checks
            them one after another, so ``batch_size`` checks must fit in ``consumer_timeout``. Default:
            as many as fit (60 s / 30 s = 2 at the defaults), at most 10.
        :param max_receive_count: SQS and Beanstalk engines: failed receives before SQS moves a message
            to the DLQ. Default 5.
        :param execution_timeout: Step Functions engine: execution timeout. Default
            ``poll_interval * max_attempts`` plus one hour.
        :param event_bus: the bus the rule listens on. Default: the account's default bus.
        :param event_pattern: events that start work. Default: source ``cdp.async-work``, detail-type
            ``Work Requested``; the item's ``id`` is the event id and its ``payload`` the event detail.
        :param max_message_age: SQS and Beanstalk engines: alarm when the work queue's oldest message is
            older. Default 30 minutes (must exceed one delay hop).
        :param vpc: Beanstalk engine (required there): the VPC of the worker instances.
        :param vpc_subnets: Beanstalk engine: where the instances run (no public IP). Default: the
            private subnets with egress.
        :param instance_type: Beanstalk engine: an EC2 instance type (checked against botocore's list);
            the platform's architecture follows it. Default ``t4g.nano`` (Graviton).
        :param solution_stack: Beanstalk engine: the platform,
            ``"64bit Amazon Linux 2023 v4.<x>.<y> running Python 3.<z>"``. Default
            ``beanstalk_worker.DEFAULT_SOLUTION_STACK`` (managed updates move it forward).
        :param http_path: Beanstalk engine: the path the SQS daemon posts to, starting with ``/``.
            Default ``/``.
        :param removal_policy: of the queues (work and dead letters), the dedup table and the Beanstalk
            engine's KMS key. Default ``RETAIN``.
        :param alarm_topic: SNS topic for the alarms. Default: alarms are created without actions.
        """
        super().__init__(scope, id)
        is_sqs = engine == "sqs"
        is_beanstalk = engine == "beanstalk"
        poll = _seconds(poll_interval)
        problems = Problems("PollingWorker")
        problems.one_of("engine", engine, ENGINES)
        problems.at_least("max_attempts", max_attempts, 1)
        problems.at_least("max_receive_count", max_receive_count, 1)
        problems.conflict("check_function", check_function, "check_code_dir", check_code_dir)
        if (check_code_dir is None) != (check_handler is None) and check_function is None:
            problems.add(
                "check_handler" if check_code_dir is not None else "check_code_dir",
                check_handler if check_code_dir is not None else check_code_dir,
                "check_code_dir and check_handler go together",
            )
        if check_code_dir is not None and not Path(check_code_dir).is_dir():
            problems.add("check_code_dir", str(check_code_dir), "is not a directory")
        problems.between("check_timeout", _seconds(check_timeout), 1, 900)
        beanstalk_options = (
            ("vpc", vpc),
            ("vpc_subnets", vpc_subnets),
            ("instance_type", instance_type),
            ("solution_stack", solution_stack),
            ("http_path", http_path),
        )
        if not is_beanstalk:
            for name, value in beanstalk_options:
                if value is not None:
                    problems.add(name, value, "applies to engine='beanstalk' only")
        check_duration(problems, "poll_interval", poll_interval)
        check_duration(problems, "max_message_age", max_message_age)
        if is_sqs or is_beanstalk:
            self._validate_sqs(
                problems,
                poll=poll,
                chain_long_delays=chain_long_delays,
                consumer_timeout=consumer_timeout,
                visibility_timeout=visibility_timeout,
                batch_size=batch_size,
                max_message_age=max_message_age,
                check_function=check_function,
                check_timeout=check_timeout,
                lambda_consumer=is_sqs,
            )
            if execution_timeout is not None:
                problems.add("execution_timeout", execution_timeout, "applies to engine='stepfunctions' only")
        if is_beanstalk:
            if batch_size is not None:
                problems.add("batch_size", batch_size, "applies to engine='sqs' only")
            problems.require(vpc is not None, "vpc", vpc, "is required with engine='beanstalk'")
            consumer = _seconds(consumer_timeout)
            check_beanstalk_arguments(
                problems,
                instance_type=instance_type or DEFAULT_INSTANCE_TYPE,
                solution_stack=solution_stack or DEFAULT_SOLUTION_STACK,
                http_path="/" if http_path is None else http_path,
                inactivity_seconds=consumer,
                visibility_seconds=_seconds(visibility_timeout)
                if visibility_timeout is not None
                else (VISIBILITY_PER_FUNCTION_TIMEOUT * consumer if consumer is not None else None),
            )
        elif engine == "stepfunctions":
            if visibility_timeout is not None:
                problems.add(
                    "visibility_timeout", visibility_timeout, "applies to engine='sqs' or 'beanstalk' only"
                )
            if batch_size is not None:
                problems.add("batch_size", batch_size, "applies to engine='sqs' only")
            total = (poll or 0) * max_attempts if isinstance(max_attempts, int) else 0
            if total > MAX_STANDARD_EXECUTION.to_seconds():
                problems.add(
                    "poll_interval",
                    f"{poll} s x max_attempts={max_attempts}",
                    "exceeds the one-year limit of a Standard execution",
                )
            problems.between(
                "execution_timeout", _seconds(execution_timeout), 1, MAX_STANDARD_EXECUTION.to_seconds()
            )
        problems.raise_if_any()

        self.engine: str = engine
        self.alarms: list[cw.Alarm] = []
        self.check_function: lambda_.IFunction = check_function or python_function(
            self,
            "Check",
            code_dir=Path(check_code_dir) if check_code_dir is not None else RUNTIME,
            handler=check_handler or "example_check.handler",
            description="PollingWorker check: is the work item done?",
            timeout=check_timeout,
        )
        self.queue: sqs.Queue | None = None
        self.dead_letter_queue: sqs.Queue
        self.consumer: lambda_.Function | None = None
        self.event_source: sources.SqsEventSource | None = None
        self.dedup_table: dynamodb.Table | None = None
        self.state_machine: sfn.StateMachine | None = None
        self.execution_log_group: logs.LogGroup | None = None
        self.encryption_key: kms.Key | None = None
        self.beanstalk: BeanstalkWorker | None = None
        target_input = events.RuleTargetInput.from_object(
            {
                "id": events.EventField.event_id,
                "payload": events.EventField.from_path("$.detail"),
                "attempt": 0,
            }
        )
        if is_beanstalk:
            target = self._build_beanstalk(
                poll=int(poll or 0),
                max_attempts=max_attempts,
                consumer_timeout=consumer_timeout,
                visibility_timeout=visibility_timeout
                or Duration.seconds(VISIBILITY_PER_FUNCTION_TIMEOUT * consumer_timeout.to_seconds()),
                max_receive_count=max_receive_count,
                max_message_age=max_message_age,
                vpc=vpc,  # type: ignore[arg-type]
                vpc_subnets=vpc_subnets,
                instance_type=instance_type or DEFAULT_INSTANCE_TYPE,
                solution_stack=solution_stack or DEFAULT_SOLUTION_STACK,
                http_path="/" if http_path is None else http_path,
                removal_policy=removal_policy,
                topic=alarm_topic,
                target_input=target_input,
            )
        elif is_sqs:
            target = self._build_sqs(
                poll=int(poll or 0),
                max_attempts=max_attempts,
                consumer_timeout=consumer_timeout,
                visibility_timeout=visibility_timeout
                or Duration.seconds(VISIBILITY_PER_FUNCTION_TIMEOUT * consumer_timeout.to_seconds()),
                batch_size=batch_size
                or self._default_batch_size(consumer_timeout, check_function, check_timeout),
                max_receive_count=max_receive_count,
                max_message_age=max_message_age,
                removal_policy=removal_policy,
                topic=alarm_topic,
                target_input=target_input,
            )
        else:
            target = self._build_step_functions(
                poll_interval=poll_interval,
                max_attempts=max_attempts,
                execution_timeout=execution_timeout or Duration.seconds((poll or 0) * max_attempts + 3600),
                removal_policy=removal_policy,
                topic=alarm_topic,
                target_input=target_input,
            )
        self.rule = events.Rule(
            self,
            "Requests",
            description=f"Starts PollingWorker ({engine}) work items",
            event_bus=event_bus,
            event_pattern=event_pattern
            or events.EventPattern(source=[DEFAULT_EVENT_SOURCE], detail_type=[DEFAULT_DETAIL_TYPE]),
            targets=[target],
        )
        self.alarms.append(
            dead_letter_alarm(self, "DeadLetterAlarm", queue=self.dead_letter_queue, topic=alarm_topic)
        )

    @staticmethod
    def _validate_sqs(
        problems: Problems,
        *,
        poll: float | None,
        chain_long_delays: bool,
        consumer_timeout: Duration,
        visibility_timeout: Duration | None,
        batch_size: int | None,
        max_message_age: Duration,
        check_function: lambda_.IFunction | None,
        check_timeout: Duration,
        lambda_consumer: bool = True,
    ) -> None:
        """The SQS protocol's rules; ``lambda_consumer=False`` (Beanstalk) skips the Lambda-only ones."""
        if poll is not None:
            limit = None if chain_long_delays else MAX_DELAY_SECONDS
            if poll < 0 or (limit is not None and poll > limit):
                problems.add(
                    "poll_interval",
                    f"{poll:g} s",
                    f"must be between 0 and {MAX_DELAY_SECONDS} s (SQS's "
                    "maximum message delay) unless chain_long_delays=True",
                )
        consumer = _seconds(consumer_timeout)
        problems.between("consumer_timeout", consumer, 1, 900)
        visibility = _seconds(visibility_timeout)
        if visibility is not None and consumer is not None and lambda_consumer:
            problems.require(
                visibility >= VISIBILITY_PER_FUNCTION_TIMEOUT * consumer,
                "visibility_timeout",
                f"{visibility:g} s",
                f"must be at least {VISIBILITY_PER_FUNCTION_TIMEOUT}x consumer_timeout ({consumer:g} s), as AWS "
                "advises for Lambda consumers",
            )
        if visibility is not None:
            problems.require(
                visibility <= MAX_VISIBILITY_TIMEOUT_SECONDS,
                "visibility_timeout",
                f"{visibility:g} s",
                "must be at most 12 hours",
            )
        problems.between("batch_size", batch_size, 1, 10)
        check_seconds = (
            _seconds(check_function.timeout)
            if isinstance(check_function, lambda_.Function)
            else (None if check_function is not None else _seconds(check_timeout))
        )
        if consumer is not None and check_seconds is not None and consumer < check_seconds:
            problems.add(
                "consumer_timeout",
                f"{consumer:g} s",
                f"must cover the check function's timeout ({check_seconds:g} s): the consumer waits for it",
            )
        elif (
            consumer is not None
            and check_seconds is not None
            and isinstance(batch_size, int)
            and consumer < batch_size * check_seconds
        ):
            problems.add(
                "batch_size",
                batch_size,
                f"{batch_size} checks of up to {check_seconds:g} s each, one after another, do not fit in "
                f"consumer_timeout ({consumer:g} s); lower batch_size or raise consumer_timeout",
            )
        age = _seconds(max_message_age)
        hop = min(poll, MAX_DELAY_SECONDS) if poll is not None else None
        if age is not None and hop is not None and age <= hop:
            problems.add(
                "max_message_age", f"{age:g} s", f"must exceed one delay hop ({hop:g} s), or it always alarms"
            )

    @staticmethod
    def _default_batch_size(
        consumer_timeout: Duration, check_function: lambda_.IFunction | None, check_timeout: Duration
    ) -> int:
        """As many sequential checks as fit in the consumer's timeout, 1 to 10 (10 when unknown)."""
        consumer = _seconds(consumer_timeout)
        check = (
            _seconds(check_function.timeout)
            if isinstance(check_function, lambda_.Function)
            else (None if check_function is not None else _seconds(check_timeout))
        )
        if not consumer or not check:
            return 10
        return max(1, min(10, int(consumer // check)))

    def _build_sqs(
        self,
        *,
        poll: int,
        max_attempts: int,
        consumer_timeout: Duration,
        visibility_timeout: Duration,
        batch_size: int,
        max_receive_count: int,
        max_message_age: Duration,
        removal_policy: RemovalPolicy,
        topic: sns.ITopic | None,
        target_input: events.RuleTargetInput,
    ) -> events.IRuleTarget:
        self.queue, self.dead_letter_queue = work_queue(
            self,
            "Queue",
            visibility_timeout=visibility_timeout,
            max_receive_count=max_receive_count,
            removal_policy=removal_policy,
            encryption_key=event_queue_key(self, "QueueKey", removal_policy=removal_policy),
        )
        self.dedup_table = self._dedup_table(removal_policy)
        self.consumer = python_function(
            self,
            "Consumer",
            code_dir=RUNTIME,
            handler="poller.handler",
            description="PollingWorker consumer: check items, re-send with a delay, dead-letter after the maximum",
            timeout=consumer_timeout,
            environment=self._poller_environment(poll, max_attempts, consumer_timeout),
        )
        self.event_source = sources.SqsEventSource(
            self.queue, batch_size=batch_size, report_batch_item_failures=True
        )
        self.consumer.add_event_source(self.event_source)
        self.queue.grant_send_messages(self.consumer)
        self.dead_letter_queue.grant_send_messages(self.consumer)
        self.dedup_table.grant_read_write_data(self.consumer)
        self.check_function.grant_invoke(self.consumer)
        acknowledge(
            self.consumer.role,
            {
                f"AwsSolutions-IAM5[Resource::{nag_ref(self.check_function)}:*]": "grant_invoke covers the "
                "check function's versions and aliases (ARN:*), nothing else.",
                "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]": "grant_send_messages on the queues' own key: "
                "SQS needs a data key to encrypt the messages the consumer re-queues (only that key).",
                "AwsSolutions-IAM5[Action::kms:ReEncrypt*]": "grant_send_messages on the queues' own key (only "
                "that key), as CDK grants it for an encrypted queue.",
            },
        )
        self.alarms.append(
            oldest_message_alarm(
                self, "OldestMessageAlarm", queue=self.queue, max_age=max_message_age, topic=topic
            )
        )
        self.alarms.append(
            alarm(
                self,
                "ConsumerErrorsAlarm",
                metric=self.metric_errors(),
                threshold=1,
                description="The PollingWorker consumer crashed or timed out (item failures are retried, not counted).",
                topic=topic,
            )
        )
        return targets.SqsQueue(self.queue, message=target_input, dead_letter_queue=self.dead_letter_queue)

    def _dedup_table(self, removal_policy: RemovalPolicy) -> dynamodb.Table:
        table = dynamodb.Table(
            self,
            "DedupTable",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            time_to_live_attribute="expires_at",
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            removal_policy=removal_policy,
        )
        return table

    def _poller_environment(self, poll: int, max_attempts: int, consumer_timeout: Duration) -> dict[str, str]:
        """The configuration ``runtime/poller.py`` reads (Lambda environment or Beanstalk properties)."""
        assert self.queue is not None and self.dedup_table is not None
        return {
            "QUEUE_URL": self.queue.queue_url,
            "DEAD_LETTER_QUEUE_URL": self.dead_letter_queue.queue_url,
            "DEDUP_TABLE": self.dedup_table.table_name,
            "CHECK_FUNCTION": self.check_function.function_arn,
            "POLL_INTERVAL_SECONDS": str(poll),
            "MAX_ATTEMPTS": str(max_attempts),
            "LEASE_SECONDS": str(int(consumer_timeout.to_seconds())),
            "DEDUP_TTL_SECONDS": str(int(DEDUP_TTL.to_seconds())),
        }

    def _build_beanstalk(
        self,
        *,
        poll: int,
        max_attempts: int,
        consumer_timeout: Duration,
        visibility_timeout: Duration,
        max_receive_count: int,
        max_message_age: Duration,
        vpc: ec2.IVpc,
        vpc_subnets: ec2.SubnetSelection | None,
        instance_type: str,
        solution_stack: str,
        http_path: str,
        removal_policy: RemovalPolicy,
        topic: sns.ITopic | None,
        target_input: events.RuleTargetInput,
    ) -> events.IRuleTarget:
        self.encryption_key = kms.Key(
            self,
            "QueueKey",
            description="PollingWorker (beanstalk): encrypts the worker queue and its dead-letter queue",
            enable_key_rotation=True,
            removal_policy=removal_policy,
        )
        self.queue, self.dead_letter_queue = work_queue(
            self,
            "Queue",
            visibility_timeout=visibility_timeout,
            max_receive_count=max_receive_count,
            removal_policy=removal_policy,
            encryption_key=self.encryption_key,
        )
        self.dedup_table = self._dedup_table(removal_policy)
        self.beanstalk = BeanstalkWorker(
            self,
            "Worker",
            vpc=vpc,
            vpc_subnets=vpc_subnets,
            queue=self.queue,
            environment=self._poller_environment(poll, max_attempts, consumer_timeout),
            inactivity_timeout=consumer_timeout,
            visibility_timeout=visibility_timeout,
            max_retries=max_receive_count,
            # A duplicate in progress (409) or a failed check is tried again once the lease has run out.
            error_visibility_timeout=consumer_timeout,
            instance_type=instance_type,
            solution_stack=solution_stack,
            http_path=http_path,
            alarm_topic=topic,
        )
        role = self.beanstalk.instance_role
        self.queue.grant_send_messages(role)
        self.dead_letter_queue.grant_send_messages(role)
        self.dedup_table.grant_read_write_data(role)
        self.check_function.grant_invoke(role)
        acknowledge(
            role,
            {
                f"AwsSolutions-IAM5[Resource::{nag_ref(self.check_function)}:*]": "grant_invoke covers the "
                "check function's versions and aliases (ARN:*), nothing else.",
                "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]": "CDK's queue grants on the queues' own KMS key "
                "only: sending to an SSE-KMS queue needs data keys.",
                "AwsSolutions-IAM5[Action::kms:ReEncrypt*]": "CDK's encrypt grant on the queues' own KMS key only "
                "(sending to the SSE-KMS queue and its dead-letter queue).",
            },
        )
        self.alarms.append(
            oldest_message_alarm(
                self, "OldestMessageAlarm", queue=self.queue, max_age=max_message_age, topic=topic
            )
        )
        self.alarms.append(self.beanstalk.health_alarm)
        return targets.SqsQueue(self.queue, message=target_input, dead_letter_queue=self.dead_letter_queue)

    def _build_step_functions(
        self,
        *,
        poll_interval: Duration,
        max_attempts: int,
        execution_timeout: Duration,
        removal_policy: RemovalPolicy,
        topic: sns.ITopic | None,
        target_input: events.RuleTargetInput,
    ) -> events.IRuleTarget:
        check = tasks.LambdaInvoke.jsonata(
            self,
            "CheckItem",
            lambda_function=self.check_function,
            payload=sfn.TaskInput.from_object(
                {
                    "id": "{% $states.input.id %}",
                    "payload": "{% $states.input.payload %}",
                    "attempt": "{% $states.input.attempt %}",
                }
            ),
            outputs={
                "id": "{% $states.input.id %}",
                "payload": "{% $states.input.payload %}",
                "attempt": "{% $states.input.attempt + 1 %}",
                "done": "{% $states.result.Payload.done %}",
            },
        )
        decide = sfn.Choice.jsonata(self, "Decide")
        decide.when(
            sfn.Condition.jsonata("{% $states.input.done = true %}"), sfn.Succeed.jsonata(self, "Done")
        )
        decide.when(
            sfn.Condition.jsonata(f"{{% $states.input.attempt >= {max_attempts} %}}"),
            sfn.Fail.jsonata(
                self, "GiveUp", error="MaxAttemptsExceeded", cause=f"Not done after {max_attempts} checks"
            ),
        )
        decide.otherwise(
            sfn.Wait.jsonata(self, "WaitBeforeNextCheck", time=sfn.WaitTime.duration(poll_interval)).next(
                check
            )
        )
        self.execution_log_group = log_group(self, "ExecutionLogs")
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            definition_body=sfn.DefinitionBody.from_chainable(check.next(decide)),
            query_language=sfn.QueryLanguage.JSONATA,
            state_machine_type=sfn.StateMachineType.STANDARD,
            timeout=execution_timeout,
            tracing_enabled=True,
            logs=sfn.LogOptions(
                destination=self.execution_log_group, level=sfn.LogLevel.ALL, include_execution_data=False
            ),
        )
        acknowledge(
            self.state_machine.role,
            {
                "AwsSolutions-IAM5[Resource::*]": "X-Ray tracing and CloudWatch Logs delivery (logs:CreateLogDelivery and "
                "related) support no resource-level permissions.",
                f"AwsSolutions-IAM5[Resource::{nag_ref(self.check_function)}:*]": "LambdaInvoke may call the "
                "check function's versions and aliases (ARN:*), nothing else.",
            },
        )
        self.dead_letter_queue = dead_letter_queue(
            self,
            "DeliveryDeadLetters",
            removal_policy=removal_policy,
            encryption_key=event_queue_key(self, "DeliveryDeadLettersKey", removal_policy=removal_policy),
        )
        acknowledge(
            self.dead_letter_queue,
            {
                "AwsSolutions-SQS3": "This queue is itself a dead-letter queue: EventBridge puts events it could not "
                "deliver to the state machine here.",
            },
        )
        self.alarms.append(
            alarm(
                self,
                "FailedExecutionsAlarm",
                metric=self.metric_failed(),
                threshold=1,
                description="PollingWorker executions failed (check errors or not done after max_attempts).",
                topic=topic,
            )
        )
        self.alarms.append(
            alarm(
                self,
                "TimedOutExecutionsAlarm",
                metric=self.metric_timed_out(),
                threshold=1,
                description="PollingWorker executions timed out.",
                topic=topic,
            )
        )
        return targets.SfnStateMachine(
            self.state_machine, input=target_input, dead_letter_queue=self.dead_letter_queue
        )

    # --- what aws-cdk-lib users reach for: grants and metrics ---------------------------------------
    def metric_errors(self, **props: Any) -> cw.Metric:
        """Consumer invocations that crashed or timed out (engine='sqs'; Sum over 5 minutes): what the
        ``ConsumerErrorsAlarm`` watches."""
        if self.consumer is None:
            raise ValueError(f"PollingWorker {self.node.path}: metric_errors needs engine='sqs'")
        return self.consumer.metric_errors(**{"period": Duration.minutes(5), **props})

    def metric_failed(self, **props: Any) -> cw.Metric:
        """Failed executions (engine='stepfunctions'; Sum over 5 minutes): what the
        ``FailedExecutionsAlarm`` watches."""
        return self._state_machine("metric_failed").metric_failed(**{"period": Duration.minutes(5), **props})

    def metric_timed_out(self, **props: Any) -> cw.Metric:
        """Timed-out executions (engine='stepfunctions'; Sum over 5 minutes): what the
        ``TimedOutExecutionsAlarm`` watches."""
        return self._state_machine("metric_timed_out").metric_timed_out(
            **{"period": Duration.minutes(5), **props}
        )

    def _work_queue(self, member: str) -> sqs.Queue:
        if self.queue is None:
            raise ValueError(
                f"PollingWorker {self.node.path}: {member} needs engine='sqs' (there is no work queue)"
            )
        return self.queue

    def _state_machine(self, member: str) -> sfn.StateMachine:
        if self.state_machine is None:
            raise ValueError(f"PollingWorker {self.node.path}: {member} needs engine='stepfunctions'")
        return self.state_machine
