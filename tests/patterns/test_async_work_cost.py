"""The async-work cost model, line by line: each price line against a figure computed here from the
cited us-east-1 list price (written out below, never read from the module)."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from patterns.async_work import estimate_monthly_cost
from patterns.async_work.cost import comparison_table, usage

# The list prices, as published (us-east-1, read 2026-01), in dollars per unit.
SQS_REQUEST = 0.40 / 1_000_000  # https://aws.amazon.com/sqs/pricing/ standard queue
LAMBDA_REQUEST = 0.20 / 1_000_000  # https://aws.amazon.com/lambda/pricing/
LAMBDA_ARM_GB_SECOND = 0.0000133334  # arm64, first 7.5 billion GB-s
SFN_TRANSITION = 0.025 / 1_000  # https://aws.amazon.com/step-functions/pricing/ Standard
DYNAMODB_WRITE = 0.625 / 1_000_000  # https://aws.amazon.com/dynamodb/pricing/on-demand/ (WRU)
EVENTBRIDGE_EVENT = 1.00 / 1_000_000  # https://aws.amazon.com/eventbridge/pricing/ custom events
# Long polling of an idle queue by Lambda's event source: 5 pollers x 3 receives a minute x 60 x 730 h
IDLE_POLL_REQUESTS = 5 * 3 * 60 * 730


def test_idle_poller_requests_are_about_657_thousand() -> None:
    assert IDLE_POLL_REQUESTS == 657_000
    estimate = estimate_monthly_cost(0, 60, 600)  # no users: only the idle pollers cost anything
    assert estimate["sqs"].items["sqs"] == pytest.approx(657_000 * SQS_REQUEST)
    assert estimate["sqs"].items["sqs"] == pytest.approx(0.2628)
    assert estimate["sqs"].items["lambda"] == 0
    assert estimate["sqs"].items["dynamodb"] == 0
    assert estimate["sqs"].items["eventbridge"] == 0
    assert estimate["stepfunctions"].total == 0


class TestTheTalksCase:
    """1,000 users, one 1-hour job a day each (30 a month), checked every minute, 100 ms checks, 256 MB."""

    jobs = 1000 * 30  # 30,000 jobs
    checks = jobs * 60  # 1,800,000 checks; one message each (60 s < 900 s)
    gb = 256 / 1024

    @pytest.fixture
    def estimate(self) -> dict:
        # per test (cheap): mutation testing maps each test to the functions it calls
        return estimate_monthly_cost(1000, 60, 3600)

    def test_volumes(self) -> None:
        volume = usage(users=1000, poll_interval_seconds=60, duration_seconds=3600)
        assert (volume.jobs, volume.checks, volume.messages, volume.transitions) == (
            30_000,
            1_800_000,
            1_800_000,
            5_400_000,
        )

    def test_step_functions_transitions(self, estimate: dict) -> None:
        # 3 transitions per check: 5.4 M x $0.025 / 1,000 = $135
        assert estimate["stepfunctions"].items["stepfunctions"] == pytest.approx(135.0)
        assert estimate["stepfunctions"].items["stepfunctions"] == pytest.approx(
            self.checks * 3 * SFN_TRANSITION
        )

    def test_step_functions_lambda(self, estimate: dict) -> None:
        gb_seconds = self.checks * 0.1 * self.gb  # 45,000 GB-s
        expected = self.checks * LAMBDA_REQUEST + gb_seconds * LAMBDA_ARM_GB_SECOND
        assert expected == pytest.approx(0.36 + 0.600003)
        assert estimate["stepfunctions"].items["lambda"] == pytest.approx(expected)

    def test_eventbridge_one_event_per_job(self, estimate: dict) -> None:
        assert estimate["stepfunctions"].items["eventbridge"] == pytest.approx(self.jobs * EVENTBRIDGE_EVENT)
        assert estimate["sqs"].items["eventbridge"] == pytest.approx(0.03)

    def test_sqs_requests(self, estimate: dict) -> None:
        # send + receive + delete per message, plus the idle pollers
        requests = self.checks * 3 + IDLE_POLL_REQUESTS  # 6,057,000
        assert estimate["sqs"].items["sqs"] == pytest.approx(requests * SQS_REQUEST)
        assert estimate["sqs"].items["sqs"] == pytest.approx(2.4228)

    def test_sqs_engine_lambda(self, estimate: dict) -> None:
        # a consumer invocation per message and a check invocation per check; the consumer waits for
        # the check, so check time is billed twice
        requests = self.checks + self.checks
        gb_seconds = self.checks * 0.15 * self.gb + 2 * self.checks * 0.1 * self.gb  # 157,500 GB-s
        assert gb_seconds == pytest.approx(157_500)
        expected = requests * LAMBDA_REQUEST + gb_seconds * LAMBDA_ARM_GB_SECOND
        assert estimate["sqs"].items["lambda"] == pytest.approx(expected)

    def test_dedup_writes(self, estimate: dict) -> None:
        # two on-demand writes per message (the claim and its completion): 3.6 M x $0.625 / M = $2.25
        assert estimate["sqs"].items["dynamodb"] == pytest.approx(2.25)
        assert estimate["sqs"].items["dynamodb"] == pytest.approx(self.checks * 2 * DYNAMODB_WRITE)

    def test_totals_and_no_other_lines(self, estimate: dict) -> None:
        assert set(estimate) == {
            "sqs",
            "stepfunctions",
            "beanstalk",
        }  # beanstalk: test_async_work_beanstalk_cost.py
        assert set(estimate["sqs"].items) == {"sqs", "lambda", "dynamodb", "eventbridge"}
        assert set(estimate["stepfunctions"].items) == {"stepfunctions", "lambda", "eventbridge"}
        for engine in estimate.values():
            assert engine.total == pytest.approx(sum(engine.items.values()))
        assert estimate["stepfunctions"].total == pytest.approx(135.0 + 0.36 + 0.600003 + 0.03)


def test_long_waits_are_chains_of_delayed_messages() -> None:
    # every hour for a day: 24 checks, each a chain of ceil(3600/900) = 4 messages
    estimate = estimate_monthly_cost(1, 3600, 86400, jobs_per_user_per_month=1)
    messages = 24 * 4
    assert estimate["sqs"].items["sqs"] == pytest.approx((messages * 3 + IDLE_POLL_REQUESTS) * SQS_REQUEST)
    assert estimate["sqs"].items["dynamodb"] == pytest.approx(messages * 2 * DYNAMODB_WRITE)
    gb_seconds = messages * 0.15 * 0.25 + 2 * 24 * 0.1 * 0.25
    assert estimate["sqs"].items["lambda"] == pytest.approx(
        (messages + 24) * LAMBDA_REQUEST + gb_seconds * LAMBDA_ARM_GB_SECOND
    )
    assert estimate["stepfunctions"].items["stepfunctions"] == pytest.approx(24 * 3 * SFN_TRANSITION)


@pytest.mark.parametrize(
    ("poll", "duration", "checks", "hops"),
    [
        (60, 600, 10, 1),
        (60, 601, 11, 1),  # a started interval is a check
        (900, 900, 1, 1),
        (901, 901, 1, 2),  # just over SQS's 15-minute maximum delay: two messages
        (1800, 3600, 2, 2),
        (600, 0, 1, 1),  # at least one check
        (600, 60, 1, 1),
    ],
)
def test_checks_and_hops(poll: int, duration: int, checks: int, hops: int) -> None:
    volume = usage(users=2, poll_interval_seconds=poll, duration_seconds=duration, jobs_per_user_per_month=3)
    assert volume.jobs == 6
    assert volume.checks == 6 * checks
    assert volume.messages == 6 * checks * hops
    assert volume.transitions == 6 * checks * 3


def test_default_jobs_per_user_is_thirty_and_fractions_round() -> None:
    assert usage(users=7, poll_interval_seconds=60, duration_seconds=60).jobs == 210
    assert (
        usage(users=3, poll_interval_seconds=60, duration_seconds=60, jobs_per_user_per_month=0.5).jobs == 2
    )


def test_memory_and_durations_scale_the_gb_seconds() -> None:
    # 1 job of 10 checks, 1024 MB, 200 ms checks, 50 ms consumer overhead
    estimate = estimate_monthly_cost(
        1, 60, 600, jobs_per_user_per_month=1, memory_mb=1024, check_duration_ms=200, consumer_overhead_ms=50
    )
    check_gb_s = 10 * 0.2 * 1.0
    assert estimate["stepfunctions"].items["lambda"] == pytest.approx(
        10 * LAMBDA_REQUEST + check_gb_s * LAMBDA_ARM_GB_SECOND
    )
    consumer_gb_s = 10 * 0.05 * 1.0 + check_gb_s
    assert estimate["sqs"].items["lambda"] == pytest.approx(
        20 * LAMBDA_REQUEST + (consumer_gb_s + check_gb_s) * LAMBDA_ARM_GB_SECOND
    )


class TestFreeTier:
    def test_small_account_pays_nothing_for_transitions_or_requests(self) -> None:
        # 30 jobs x 12 checks x 3 = 1,080 transitions < 4,000 free
        small = estimate_monthly_cost(1, 300, 3600, free_tier=True)
        assert small["stepfunctions"].items["stepfunctions"] == 0
        assert small["sqs"].items["sqs"] == 0
        assert small["sqs"].items["lambda"] == 0
        assert small["stepfunctions"].items["lambda"] == 0
        # DynamoDB and EventBridge have no such free tier here
        assert small["sqs"].items["dynamodb"] == pytest.approx(360 * 2 * DYNAMODB_WRITE)
        assert small["sqs"].items["eventbridge"] == pytest.approx(30 * EVENTBRIDGE_EVENT)

    def test_only_the_part_above_the_free_tier_is_billed(self) -> None:
        # 1,000 users every minute for an hour: 5.4 M transitions, 4,000 free
        big = estimate_monthly_cost(1000, 60, 3600, free_tier=True)
        assert big["stepfunctions"].items["stepfunctions"] == pytest.approx(
            (5_400_000 - 4_000) * SFN_TRANSITION
        )
        assert big["sqs"].items["sqs"] == pytest.approx(
            (5_400_000 + IDLE_POLL_REQUESTS - 1_000_000) * SQS_REQUEST
        )
        # Lambda: 1.8 M requests (1 M free), 45,000 GB-s (400,000 free)
        assert big["stepfunctions"].items["lambda"] == pytest.approx(800_000 * LAMBDA_REQUEST)
        sqs_gb_s = 157_500
        assert big["sqs"].items["lambda"] == pytest.approx(2_600_000 * LAMBDA_REQUEST + 0 * sqs_gb_s)

    def test_gb_seconds_above_the_free_tier(self) -> None:
        # 10,000 users, every minute, 1-hour jobs, 1 GB, 1 s checks: 18 M checks x 1 GB-s = 18 M GB-s
        big = estimate_monthly_cost(10000, 60, 3600, memory_mb=1024, check_duration_ms=1000, free_tier=True)
        expected = (18_000_000 - 1_000_000) * LAMBDA_REQUEST + (18_000_000 - 400_000) * LAMBDA_ARM_GB_SECOND
        assert big["stepfunctions"].items["lambda"] == pytest.approx(expected)

    def test_default_is_without_free_tier(self) -> None:
        assert estimate_monthly_cost(1, 300, 3600)["stepfunctions"].items["stepfunctions"] == pytest.approx(
            1080 * SFN_TRANSITION
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"users": -1}, r"users=-1: must be at least 0"),
        ({"poll_interval_seconds": 0}, r"poll_interval_seconds=0: must be positive"),
        ({"poll_interval_seconds": -1}, r"poll_interval_seconds=-1: must be positive"),
        ({"duration_seconds": -5}, r"duration_seconds=-5: must be at least 0"),
        ({"jobs_per_user_per_month": -1}, r"jobs_per_user_per_month=-1: must be at least 0"),
        ({"check_duration_ms": 0}, r"check_duration_ms=0: must be at least 1"),
        ({"consumer_overhead_ms": -1}, r"consumer_overhead_ms=-1: must be at least 0"),
        ({"memory_mb": 127}, r"memory_mb=127: must be between 128 and 10240"),
        ({"memory_mb": 10241}, r"memory_mb=10241: must be between 128 and 10240"),
    ],
)
def test_bad_input(kwargs: dict, message: str) -> None:
    arguments = {"users": 1, "poll_interval_seconds": 60, "duration_seconds": 60, **kwargs}
    with pytest.raises(ValueError, match=r"^estimate_monthly_cost: invalid arguments:\n  - " + message):
        estimate_monthly_cost(**arguments)


def test_edge_values_are_accepted() -> None:
    for memory in (128, 10240):
        assert estimate_monthly_cost(1, 60, 60, memory_mb=memory, check_duration_ms=1, consumer_overhead_ms=0)


def test_comparison_table_literal_rows() -> None:
    table = comparison_table().splitlines()
    assert table[0] == (
        "| scenario | poll | job lasts | checks/month | SQS engine | Beanstalk worker | Step Functions | ratio |"
    )
    assert table[1] == "|---|---|---|---:|---:|---:|---:|---:|"
    assert len(table) == 7
    # the talk's case: SQS 2.42 + Lambda 2.82 + DynamoDB 2.25 + events 0.03; SFN 135 + 0.96 + 0.03
    sqs = 2.4228 + 3_600_000 * LAMBDA_REQUEST + 157_500 * LAMBDA_ARM_GB_SECOND + 2.25 + 0.03
    sfn = 135.0 + 0.36 + 0.600003 + 0.03
    # Beanstalk: a t4g.nano ($0.0042/h x 730 h) and its 8 GiB gp3 volume ($0.08/GiB), the rest per request
    beanstalk = "$10.21"
    assert table[2] == (
        f"| the talk: 1,000 users, every minute, 1-hour jobs | 1 min | 1 h | 1,800,000 | ${sqs:,.2f} | "
        f"{beanstalk} | ${sfn:,.2f} | {sfn / sqs:.0f}x |"
    )
    assert table[2].endswith("| $7.52 | $10.21 | $135.99 | 18x |")
    assert table[3].startswith("| 1,000 users, every 5 minutes, 1-hour jobs | 5 min | 1 h | 360,000 |")
    assert table[4].startswith("| 10,000 users, every minute, 10-minute jobs | 1 min | 10 min | 3,000,000 |")
    assert table[5].startswith("| 100 users, every 15 minutes, 1-day jobs | 15 min | 1 d | 288,000 |")
    assert table[6].startswith(
        "| 1,000 users, every hour (chained delays), 1-day jobs | 1 h | 1 d | 720,000 |"
    )


def test_table_with_other_job_counts() -> None:
    assert "| 1 min | 1 h | 60,000 |" in comparison_table(jobs_per_user_per_month=1)


def test_command_prints_prices_date_and_table() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "patterns.async_work"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith(
        "Monthly cost, us-east-1 list prices as of 2026-01, 30 jobs per user a month, no free tier "
        "(Beanstalk worker: one t4g.nano):\n\n"
    )
    assert "| the talk: 1,000 users, every minute, 1-hour jobs | 1 min | 1 h | 1,800,000 |" in result.stdout
    assert math.isfinite(len(result.stdout))
