"""The Beanstalk worker's row of the cost model, and the printed comparison table."""

from __future__ import annotations

import pytest

from patterns.async_work import cost as cost_model
from patterns.async_work import estimate_monthly_cost


def test_beanstalk_items_by_hand() -> None:
    # 1 user, 1 job, checked 10 times (every 60 s for 600 s): 10 messages, 10 checks
    items = estimate_monthly_cost(1, 60, 600, jobs_per_user_per_month=1)["beanstalk"].items
    assert items["ec2"] == pytest.approx(0.0042 * 730)  # one t4g.nano, on demand, all month
    assert items["ebs"] == pytest.approx(8 * 0.08)  # 8 GB gp3 root volume
    assert items["kms"] == pytest.approx(1.00 + 17_520 / 10_000 * 0.03)  # the queues' key + data-key requests
    assert items["sqs"] == pytest.approx((10 * 3 + 131_400) / 1e6 * 0.40)  # + the daemon's idle long polls
    assert items["lambda"] == pytest.approx(10 / 1e6 * 0.20 + 10 * 0.1 * 0.25 * 0.0000133334)  # checks only
    assert items["dynamodb"] == pytest.approx(20 / 1e6 * 0.625)
    assert items["eventbridge"] == pytest.approx(1 / 1e6)


def test_idle_beanstalk_worker_costs_its_instance_volume_and_key() -> None:
    idle = estimate_monthly_cost(0, 60, 600)["beanstalk"]
    assert idle.total == pytest.approx(3.066 + 0.64 + 1.05256 + 131_400 / 1e6 * 0.40)
    assert idle.total == pytest.approx(sum(idle.items.values()))


def test_the_talks_case_beanstalk_between_sqs_and_step_functions() -> None:
    estimate = estimate_monthly_cost(1000, 60, 3600)
    assert estimate["sqs"].total < estimate["beanstalk"].total < estimate["stepfunctions"].total
    assert set(estimate) == {"sqs", "stepfunctions", "beanstalk"}
    # no consumer Lambda: only the 1.8M check invocations
    assert estimate["beanstalk"].items["lambda"] < estimate["sqs"].items["lambda"]


def test_free_tier_applies_to_requests_not_to_the_instance() -> None:
    small = estimate_monthly_cost(1, 300, 3600, free_tier=True)["beanstalk"].items
    assert small["sqs"] == 0 and small["lambda"] == 0
    assert small["ec2"] == pytest.approx(3.066)


def test_table_has_the_beanstalk_column() -> None:
    table = cost_model.comparison_table()
    header, rule, *rows = table.splitlines()
    assert header == (
        "| scenario | poll | job lasts | checks/month | SQS engine | Beanstalk worker | Step Functions | ratio |"
    )
    assert rule == "|---|---|---|---:|---:|---:|---:|---:|"
    assert rows[0] == (
        "| the talk: 1,000 users, every minute, 1-hour jobs | 1 min | 1 h | 1,800,000 | $7.52 | $10.21 "
        "| $135.99 | 18x |"
    )
    assert len(rows) == 5  # the five scenarios of the README's table


def test_module_prints_the_beanstalk_row(capsys: pytest.CaptureFixture[str]) -> None:
    # What `python -m patterns.async_work` runs (tests/patterns/test_async_work.py runs the command itself).
    cost_model.main()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("no free tier (Beanstalk worker: one t4g.nano):")
    assert (
        "| scenario | poll | job lasts | checks/month | SQS engine | Beanstalk worker | Step Functions | ratio |"
        in lines
    )
    assert (
        "| 1,000 users, every 5 minutes, 1-hour jobs | 5 min | 1 h | 360,000 | $1.74 | $5.92 | $27.22 | 16x |"
        in lines
    )
