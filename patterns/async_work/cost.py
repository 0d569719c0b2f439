"""Monthly cost of PollingWorker's three engines, from published us-east-1 list prices.

The talk's question: "couldn't Step Functions do it?" It could; it bills per state transition. Run
``python -m patterns.async_work`` for the comparison table in the README.

Model (one *job* = one work item checked every ``poll_interval_seconds`` until it is done after
``duration_seconds``; each user starts ``jobs_per_user_per_month`` jobs):

- checks per job = ceil(duration / poll interval), at least 1.
- SQS engine, per check: ceil(poll interval / 900 s) messages (a longer wait is a chain of delayed
  re-sends); each message costs a SendMessage, a ReceiveMessage and a DeleteMessage (3 SQS requests:
  conservative, as batches of up to 10 share a receive and a delete), one consumer invocation and two
  DynamoDB writes (the dedup claim and its completion); each check one check-function invocation. The
  Lambda event source's long polling of an idle queue adds ``IDLE_POLLER_REQUESTS`` per month.
- Beanstalk engine: the SQS engine's messages, SQS requests and DynamoDB writes, without the consumer
  Lambda (the worker instance waits for the check); plus one ``t4g.nano`` instance all month
  (``HOURS_PER_MONTH`` instance hours), its 8 GB gp3 root volume, the queues' KMS key and its requests
  (``KMS_REQUESTS``), and the SQS daemon's long polling of the idle queue (``SQSD_IDLE_REQUESTS``).
- Step Functions engine, per check: 3 state transitions (CheckItem, Decide, then WaitBeforeNextCheck,
  or Done/GiveUp on the last check) and one check-function invocation.
- Both: one EventBridge custom event per job.
- Free tiers (Lambda 1M requests and 400,000 GB-s, SQS 1M requests, Step Functions 4,000
  transitions a month) are per account and shared with everything else in it, so they are left out
  unless ``free_tier=True``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .._core import Problems

PRICES_AS_OF = "2026-01"
"""When the list prices below were read (us-east-1)."""

# https://aws.amazon.com/sqs/pricing/ : standard queue, $0.40 per million requests after the first
# million a month (each 64 KB chunk of a payload is one request).
SQS_PER_MILLION_REQUESTS = 0.40
SQS_FREE_REQUESTS = 1_000_000

# https://aws.amazon.com/lambda/pricing/ : $0.20 per million requests; arm64 duration $0.0000133334
# per GB-second (first 7.5 billion GB-s a month). Free tier: 1M requests and 400,000 GB-s a month.
LAMBDA_PER_MILLION_REQUESTS = 0.20
LAMBDA_ARM_PER_GB_SECOND = 0.0000133334
LAMBDA_FREE_REQUESTS = 1_000_000
LAMBDA_FREE_GB_SECONDS = 400_000

# https://aws.amazon.com/step-functions/pricing/ : Standard workflows, $0.025 per 1,000 state
# transitions; 4,000 free a month.
SFN_PER_THOUSAND_TRANSITIONS = 0.025
SFN_FREE_TRANSITIONS = 4_000

# https://aws.amazon.com/dynamodb/pricing/on-demand/ : on-demand, $0.625 per million write request units.
DYNAMODB_PER_MILLION_WRITES = 0.625

# https://aws.amazon.com/eventbridge/pricing/ : custom events, $1.00 per million (64 KB chunks).
EVENTBRIDGE_PER_MILLION_EVENTS = 1.00

# https://aws.amazon.com/ec2/pricing/on-demand/ : Linux t4g.nano, $0.0042 per hour (us-east-1).
EC2_T4G_NANO_PER_HOUR = 0.0042

# https://aws.amazon.com/ebs/pricing/ : gp3, $0.08 per GB-month (3,000 IOPS and 125 MB/s included).
EBS_GP3_PER_GB_MONTH = 0.08
BEANSTALK_ROOT_VOLUME_GB = 8

# https://aws.amazon.com/kms/pricing/ : $1.00 per customer managed key a month (rotation included for
# the first two rotations), $0.03 per 10,000 requests.
KMS_KEY_PER_MONTH = 1.00
KMS_PER_10K_REQUESTS = 0.03
KMS_REQUESTS = 2 * 12 * 730
"""SQS reuses a data key for 5 minutes: about one GenerateDataKey (senders) and one Decrypt (the
daemon) per 5 minutes, 730 hours a month (~17,520 requests, ~$0.05)."""

# Elastic Beanstalk itself: no charge beyond the resources it creates (https://aws.amazon.com/elasticbeanstalk/pricing/).

MAX_DELAY_SECONDS = 900
TRANSITIONS_PER_CHECK = 3
SQS_REQUESTS_PER_MESSAGE = 3
DEDUP_WRITES_PER_MESSAGE = 2
IDLE_POLLER_REQUESTS = 5 * 3 * 60 * 730
"""Lambda's SQS event source long-polls an empty queue: about 5 pollers x one 20-second receive each,
730 hours a month (~657,000 requests, ~$0.26)."""

SQSD_IDLE_REQUESTS = 3 * 60 * 730
"""The Beanstalk SQS daemon long-polls (20-second receives) even when the queue is empty: about
131,400 requests a month (~$0.05)."""

HOURS_PER_MONTH = 730


@dataclass(frozen=True)
class EngineCost:
    """One engine's monthly cost in dollars: ``total`` and its ``items`` (by service)."""

    total: float
    items: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Usage:
    """The volumes behind an estimate (per month)."""

    jobs: int
    checks: int
    messages: int
    transitions: int


def usage(
    *, users: int, poll_interval_seconds: float, duration_seconds: float, jobs_per_user_per_month: float = 30
) -> Usage:
    """Monthly volumes: jobs, checks, SQS messages (SQS engine) and state transitions (Step Functions)."""
    checks_per_job = max(1, math.ceil(duration_seconds / poll_interval_seconds))
    hops_per_check = max(1, math.ceil(poll_interval_seconds / MAX_DELAY_SECONDS))
    jobs = round(users * jobs_per_user_per_month)
    return Usage(
        jobs=jobs,
        checks=jobs * checks_per_job,
        messages=jobs * checks_per_job * hops_per_check,
        transitions=jobs * checks_per_job * TRANSITIONS_PER_CHECK,
    )


def _billable(quantity: float, free: float, free_tier: bool) -> float:
    return max(0.0, quantity - free) if free_tier else quantity


def _lambda(requests: float, gb_seconds: float, free_tier: bool) -> float:
    return (
        _billable(requests, LAMBDA_FREE_REQUESTS, free_tier) / 1e6 * LAMBDA_PER_MILLION_REQUESTS
        + _billable(gb_seconds, LAMBDA_FREE_GB_SECONDS, free_tier) * LAMBDA_ARM_PER_GB_SECOND
    )


def estimate_monthly_cost(
    users: int,
    poll_interval_seconds: float,
    duration_seconds: float,
    *,
    jobs_per_user_per_month: float = 30,
    check_duration_ms: float = 100,
    consumer_overhead_ms: float = 150,
    memory_mb: int = 256,
    free_tier: bool = False,
) -> dict[str, EngineCost]:
    """Monthly dollars of each engine: ``{"sqs": ..., "stepfunctions": ..., "beanstalk": ...}`` (``EngineCost``).

    :param users: users (or tenants) starting jobs.
    :param poll_interval_seconds: wait between two checks of a job.
    :param duration_seconds: how long a job takes to be done (checks stop then).
    :param jobs_per_user_per_month: jobs each user starts a month. Default 30 (one a day).
    :param check_duration_ms: billed duration of one check. Default 100 ms.
    :param consumer_overhead_ms: SQS consumer time per message besides waiting for the check (which it
        also pays for: it invokes the check synchronously). Default 150 ms. (The Beanstalk worker's
        time is its instance's, billed by the hour.)
    :param memory_mb: memory of both functions (arm64). Default 256 (``python_function``'s default).
    :param free_tier: subtract the monthly free tiers. Default ``False`` (they are per account).
    """
    problems = Problems("estimate_monthly_cost")
    problems.at_least("users", users, 0)
    problems.require(
        poll_interval_seconds > 0, "poll_interval_seconds", poll_interval_seconds, "must be positive"
    )
    problems.at_least("duration_seconds", duration_seconds, 0)
    problems.at_least("jobs_per_user_per_month", jobs_per_user_per_month, 0)
    problems.at_least("check_duration_ms", check_duration_ms, 1)
    problems.at_least("consumer_overhead_ms", consumer_overhead_ms, 0)
    problems.between("memory_mb", memory_mb, 128, 10240)
    problems.raise_if_any()

    volume = usage(
        users=users,
        poll_interval_seconds=poll_interval_seconds,
        duration_seconds=duration_seconds,
        jobs_per_user_per_month=jobs_per_user_per_month,
    )
    gb = memory_mb / 1024
    events = volume.jobs / 1e6 * EVENTBRIDGE_PER_MILLION_EVENTS
    check_gb_s = volume.checks * check_duration_ms / 1000 * gb
    consumer_gb_s = volume.messages * consumer_overhead_ms / 1000 * gb + check_gb_s  # waits for each check

    sqs_requests = volume.messages * SQS_REQUESTS_PER_MESSAGE + IDLE_POLLER_REQUESTS
    sqs_items = {
        "sqs": _billable(sqs_requests, SQS_FREE_REQUESTS, free_tier) / 1e6 * SQS_PER_MILLION_REQUESTS,
        "lambda": _lambda(volume.messages + volume.checks, consumer_gb_s + check_gb_s, free_tier),
        "dynamodb": volume.messages * DEDUP_WRITES_PER_MESSAGE / 1e6 * DYNAMODB_PER_MILLION_WRITES,
        "eventbridge": events,
    }
    sfn_items = {
        "stepfunctions": _billable(volume.transitions, SFN_FREE_TRANSITIONS, free_tier)
        / 1000
        * SFN_PER_THOUSAND_TRANSITIONS,
        "lambda": _lambda(volume.checks, check_gb_s, free_tier),
        "eventbridge": events,
    }
    beanstalk_requests = volume.messages * SQS_REQUESTS_PER_MESSAGE + SQSD_IDLE_REQUESTS
    beanstalk_items = {
        "ec2": EC2_T4G_NANO_PER_HOUR * HOURS_PER_MONTH,
        "ebs": EBS_GP3_PER_GB_MONTH * BEANSTALK_ROOT_VOLUME_GB,
        "kms": KMS_KEY_PER_MONTH + KMS_REQUESTS / 10_000 * KMS_PER_10K_REQUESTS,
        "sqs": _billable(beanstalk_requests, SQS_FREE_REQUESTS, free_tier) / 1e6 * SQS_PER_MILLION_REQUESTS,
        "lambda": _lambda(volume.checks, check_gb_s, free_tier),
        "dynamodb": volume.messages * DEDUP_WRITES_PER_MESSAGE / 1e6 * DYNAMODB_PER_MILLION_WRITES,
        "eventbridge": events,
    }
    return {
        "sqs": EngineCost(total=sum(sqs_items.values()), items=sqs_items),
        "stepfunctions": EngineCost(total=sum(sfn_items.values()), items=sfn_items),
        "beanstalk": EngineCost(total=sum(beanstalk_items.values()), items=beanstalk_items),
    }


SCENARIOS: tuple[tuple[str, int, int, int], ...] = (
    ("the talk: 1,000 users, every minute, 1-hour jobs", 1000, 60, 3600),
    ("1,000 users, every 5 minutes, 1-hour jobs", 1000, 300, 3600),
    ("10,000 users, every minute, 10-minute jobs", 10000, 60, 600),
    ("100 users, every 15 minutes, 1-day jobs", 100, 900, 86400),
    ("1,000 users, every hour (chained delays), 1-day jobs", 1000, 3600, 86400),
)


def _duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def comparison_table(jobs_per_user_per_month: float = 30) -> str:
    """The README's table: each scenario's checks and the three engines' monthly dollars (ratio: Step
    Functions over the SQS engine)."""
    lines = [
        "| scenario | poll | job lasts | checks/month | SQS engine | Beanstalk worker | Step Functions | ratio |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for label, users, poll, duration in SCENARIOS:
        cost = estimate_monthly_cost(users, poll, duration, jobs_per_user_per_month=jobs_per_user_per_month)
        checks = usage(
            users=users,
            poll_interval_seconds=poll,
            duration_seconds=duration,
            jobs_per_user_per_month=jobs_per_user_per_month,
        ).checks
        sqs_total, sfn_total = cost["sqs"].total, cost["stepfunctions"].total
        beanstalk_total = cost["beanstalk"].total
        lines.append(
            f"| {label} | {_duration(poll)} | {_duration(duration)} | {checks:,} | ${sqs_total:,.2f} | "
            f"${beanstalk_total:,.2f} | ${sfn_total:,.2f} | {sfn_total / sqs_total:.0f}x |"
        )
    return "\n".join(lines)


def main() -> None:
    print(
        f"Monthly cost, us-east-1 list prices as of {PRICES_AS_OF}, 30 jobs per user a month, no free tier "
        "(Beanstalk worker: one t4g.nano):\n"
    )
    print(comparison_table())


if __name__ == "__main__":
    main()
