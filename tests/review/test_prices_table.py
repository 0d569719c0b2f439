"""The price table the HTML report prints: rows in order, a dict's entries one by one with readable keys, and
the check that no price constant is left out of it."""

from __future__ import annotations

import pytest

from patterns.review import prices
from patterns.review.prices import Price


def test_first_rows_and_dict_entries():
    rows = prices.table()
    assert len(rows) == 77
    assert rows[:4] == [
        Price("NAT_GATEWAY_HOUR", "NAT gateway", 0.045, "hour", "https://aws.amazon.com/vpc/pricing/"),
        Price(
            "PUBLIC_IPV4_HOUR", "public IPv4 address", 0.005, "hour", "https://aws.amazon.com/vpc/pricing/"
        ),
        Price(
            "LOAD_BALANCER_HOUR[application]",
            "load balancer, application",
            0.0225,
            "hour",
            "https://aws.amazon.com/elasticloadbalancing/pricing/",
        ),
        Price(
            "LOAD_BALANCER_HOUR[network]",
            "load balancer, network",
            0.0225,
            "hour",
            "https://aws.amazon.com/elasticloadbalancing/pricing/",
        ),
    ]
    by_key = {row.key: row for row in rows}
    assert by_key["FSX_LUSTRE_GB_MONTH[SCRATCH_1]"] == Price(
        "FSX_LUSTRE_GB_MONTH[SCRATCH_1]",
        "FSx for Lustre storage, SCRATCH_1",
        0.140,
        "GB-month",
        "https://aws.amazon.com/fsx/lustre/pricing/",
    )
    assert by_key["FSX_LUSTRE_GB_MONTH[PERSISTENT_2 1000 MB/s/TiB]"].what == (
        "FSx for Lustre storage, PERSISTENT_2 1000 MB/s/TiB"
    )
    assert by_key["BATCH_DEFAULT_VCPU_HOUR"].usd == pytest.approx(0.096 / 2)
    assert rows[-1] == Price(
        "HEALTH_CHECK_MONTH",
        "Route 53 health check (AWS endpoint)",
        0.50,
        "month",
        "https://aws.amazon.com/route53/pricing/",
    )
    assert all(isinstance(row.usd, float) for row in rows)


@pytest.mark.parametrize(
    ("key", "entry"),
    [
        (("SCRATCH_1", None), "SCRATCH_1"),
        (("PERSISTENT_1", 50), "PERSISTENT_1 50 MB/s/TiB"),
        ("t3.micro", "t3.micro"),
        (7, "7"),
    ],
)
def test_entry(key, entry):
    assert prices._entry(key) == entry


def test_a_price_constant_missing_from_the_table_is_reported(monkeypatch):
    assert prices.undescribed() == []
    monkeypatch.setattr(prices, "NEW_THING_HOUR", 1.0, raising=False)
    monkeypatch.setattr(prices, "OTHER_MONTH", 2.0, raising=False)
    monkeypatch.setattr(prices, "lower_case_hour", 3.0, raising=False)
    monkeypatch.setattr(prices, "SOMETHING_ELSE", 4.0, raising=False)
    assert prices.undescribed() == ["NEW_THING_HOUR", "OTHER_MONTH"]
