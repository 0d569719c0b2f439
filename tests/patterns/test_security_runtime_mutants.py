"""The public-DNS Config rule's handler, detail by detail (what mutation testing showed untested):
answers with missing keys, the exact annotation and log lines, duplicate earlier results, and the count
of rejected evaluations over several batches. Route 53 and AWS Config are plain fakes (no moto): each
records the calls made, and every expected value is written out here."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from patterns.security.runtime import public_dns_private_targets as rule

WHEN = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
EVENT = {
    "invokingEvent": json.dumps({"notificationCreationTime": "2026-03-01T12:00:00.000Z"}),
    "resultToken": "TESTMODE",
    "configRuleName": "public-dns-private-targets",
}


class Paginator:
    def __init__(self, pages: list[dict[str, Any]], calls: list[dict[str, Any]]) -> None:
        self.pages = pages
        self.calls = calls

    def paginate(self, **kwargs: Any) -> list[dict[str, Any]]:
        self.calls.append(kwargs)
        return self.pages


class Route53:
    """``zones``: the ListHostedZones answer; ``records``: zone id -> ListResourceRecordSets pages."""

    def __init__(self, zones: list[dict[str, Any]], records: dict[str, list[dict[str, Any]]]) -> None:
        self.zones = zones
        self.records = records
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def get_paginator(self, name: str) -> Any:
        calls: list[dict[str, Any]] = []
        if name == "list_hosted_zones":
            pages = [{"HostedZones": self.zones}]
        else:
            assert name == "list_resource_record_sets"
            pages = None  # chosen by the zone id the caller passes

        outer = self

        class One(Paginator):
            def paginate(self, **kwargs: Any) -> list[dict[str, Any]]:
                outer.calls.append((name, kwargs))
                return pages if pages is not None else outer.records[kwargs["HostedZoneId"]]

        return One([], calls)


class Config:
    def __init__(
        self, earlier_pages: list[dict[str, Any]] | Exception, failed: list[int] | None = None
    ) -> None:
        self.earlier_pages = earlier_pages
        self.failed = list(failed or [])
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def get_paginator(self, name: str) -> Any:
        assert name == "get_compliance_details_by_config_rule"
        outer = self

        class One(Paginator):
            def paginate(self, **kwargs: Any) -> list[dict[str, Any]]:
                outer.calls.append((name, kwargs))
                if isinstance(outer.earlier_pages, Exception):
                    raise outer.earlier_pages
                return outer.earlier_pages

        return One([], [])

    def put_evaluations(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("put_evaluations", kwargs))
        count = self.failed.pop(0) if self.failed else 0
        return {"FailedEvaluations": kwargs["Evaluations"][:count]}


def earlier(*zone_ids: str, resource_type: str = "AWS::Route53::HostedZone") -> dict[str, Any]:
    return {
        "EvaluationResults": [
            {
                "EvaluationResultIdentifier": {
                    "EvaluationResultQualifier": {"ResourceType": resource_type, "ResourceId": zone_id}
                },
                "ComplianceType": "NON_COMPLIANT",
            }
            for zone_id in zone_ids
        ]
    }


def messages(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records]


def test_zone_without_config_or_private_flag_is_public() -> None:
    route53 = Route53(
        [
            {"Id": "/hostedzone/Z1", "Name": "a.example.com."},
            {"Id": "/hostedzone/Z2", "Name": "b.example.com.", "Config": {}},
            {"Id": "/hostedzone/Z3", "Name": "c.example.com.", "Config": {"PrivateZone": True}},
            {"Id": "/hostedzone/Z4", "Name": "d.example.com.", "Config": {"PrivateZone": False}},
        ],
        {},
    )
    assert [z["Id"] for z in rule.public_zones(route53)] == [
        "/hostedzone/Z1",
        "/hostedzone/Z2",
        "/hostedzone/Z4",
    ]


def test_alias_a_record_without_values_is_skipped() -> None:
    route53 = Route53(
        [],
        {
            "Z1": [
                {
                    "ResourceRecordSets": [
                        {"Name": "alias.example.com.", "Type": "A", "AliasTarget": {"DNSName": "x.aws."}},
                        {"Name": "db.example.com.", "Type": "A", "ResourceRecords": [{"Value": "10.1.2.3"}]},
                    ]
                }
            ]
        },
    )
    assert rule.private_records(route53, "Z1") == ["db.example.com. A 10.1.2.3 (10.0.0.0/8)"]
    assert route53.calls == [("list_resource_record_sets", {"HostedZoneId": "Z1"})]


def test_annotation_joins_findings_with_a_semicolon() -> None:
    assert rule.annotation(["a A 10.0.0.1 (10.0.0.0/8)", "b AAAA fd00::1 (fc00::/7)"]) == (
        "2 record(s) in this public zone point at private addresses: "
        "a A 10.0.0.1 (10.0.0.0/8); b AAAA fd00::1 (fc00::/7)"
    )


def test_annotation_of_exactly_256_characters_is_kept_whole() -> None:
    prefix = "1 record(s) in this public zone point at private addresses: "  # 60 characters
    finding = "x" * 196
    assert len(prefix) == 60
    assert rule.annotation([finding]) == prefix + finding
    assert rule.annotation([finding + "y"]) == prefix + "x" * 193 + "..."


def test_non_compliant_zone_is_logged_with_its_id_name_and_annotation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    route53 = Route53(
        [{"Id": "/hostedzone/Z1", "Name": "example.com.", "Config": {"PrivateZone": False}}],
        {
            "Z1": [
                {
                    "ResourceRecordSets": [
                        {"Name": "db.example.com.", "Type": "A", "ResourceRecords": [{"Value": "10.1.2.3"}]}
                    ]
                }
            ]
        },
    )
    with caplog.at_level(logging.INFO):
        evaluations = rule.evaluate(route53, WHEN)
    annotation = (
        "1 record(s) in this public zone point at private addresses: db.example.com. A 10.1.2.3 (10.0.0.0/8)"
    )
    assert evaluations == [
        {
            "ComplianceResourceType": "AWS::Route53::HostedZone",
            "ComplianceResourceId": "Z1",
            "ComplianceType": "NON_COMPLIANT",
            "OrderingTimestamp": WHEN,
            "Annotation": annotation,
        }
    ]
    assert messages(caplog) == [("INFO", f"zone Z1 (example.com.): {annotation}")]


def test_earlier_results_page_without_results_and_duplicates() -> None:
    config = Config([{}, earlier("Z9", "Z9", "Z1"), earlier("Z8", resource_type="AWS::EC2::Instance")])
    current = {"Z1"}
    stale = rule.stale_evaluations(config, "rule-a", current, WHEN)
    assert stale == [
        {
            "ComplianceResourceType": "AWS::Route53::HostedZone",
            "ComplianceResourceId": "Z9",
            "ComplianceType": "NOT_APPLICABLE",
            "Annotation": "The hosted zone no longer exists (or is no longer public).",
            "OrderingTimestamp": WHEN,
        }
    ]
    assert current == {"Z1", "Z9"}
    assert config.calls == [
        (
            "get_compliance_details_by_config_rule",
            {"ConfigRuleName": "rule-a", "ComplianceTypes": ["COMPLIANT", "NON_COMPLIANT"]},
        )
    ]


def test_rejected_evaluations_are_counted_over_every_batch() -> None:
    config = Config([], failed=[2, 3])
    evaluations = [{"ComplianceResourceId": f"Z{i}"} for i in range(150)]
    assert rule.report(config, evaluations, "token") == 5
    assert [len(c[1]["Evaluations"]) for c in config.calls] == [100, 50]
    assert {c[1]["TestMode"] for c in config.calls} == {False}


def test_timestamp_without_notification_time_is_now_in_utc() -> None:
    before = datetime.now(UTC)
    stamp = rule._timestamp({})
    assert stamp.tzinfo is UTC
    assert before <= stamp <= before + timedelta(seconds=5)
    assert rule._timestamp({"notificationCreationTime": "2026-03-01T12:00:00.000Z"}) == WHEN


def test_event_without_invoking_event_or_zones_logs_and_reports_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = Config([])
    with caplog.at_level(logging.INFO):
        result = rule.handler({"resultToken": "TESTMODE"}, None, route53=Route53([], {}), config=config)
    assert result == {"evaluated": 0, "non_compliant": 0, "failed": 0}
    assert config.calls == []
    assert messages(caplog) == [("INFO", "no public hosted zones to evaluate")]


def test_gone_zones_are_logged_and_rejections_are_logged_as_errors(caplog: pytest.LogCaptureFixture) -> None:
    route53 = Route53(
        [{"Id": "/hostedzone/Z1", "Name": "example.com.", "Config": {"PrivateZone": False}}],
        {"Z1": [{"ResourceRecordSets": []}]},
    )
    config = Config([earlier("Z7", "Z8")], failed=[2])
    with caplog.at_level(logging.INFO):
        result = rule.handler(EVENT, None, route53=route53, config=config)
    assert result == {"evaluated": 1, "non_compliant": 0, "failed": 2}
    assert messages(caplog) == [
        ("INFO", "zones gone since the last run (NOT_APPLICABLE): ['Z7', 'Z8']"),
        ("ERROR", "AWS Config rejected 2 evaluation(s)"),
    ]
    (_, put) = config.calls[-1]
    assert [(e["ComplianceResourceId"], e["ComplianceType"]) for e in put["Evaluations"]] == [
        ("Z1", "COMPLIANT"),
        ("Z7", "NOT_APPLICABLE"),
        ("Z8", "NOT_APPLICABLE"),
    ]
    assert {e["OrderingTimestamp"] for e in put["Evaluations"]} == {WHEN}


def test_unreadable_earlier_results_are_logged_with_the_reason(caplog: pytest.LogCaptureFixture) -> None:
    route53 = Route53(
        [{"Id": "/hostedzone/Z1", "Name": "example.com.", "Config": {"PrivateZone": False}}],
        {"Z1": [{"ResourceRecordSets": []}]},
    )
    denied = ClientError(
        {"Error": {"Code": "AccessDenied", "Message": "no"}}, "GetComplianceDetailsByConfigRule"
    )
    config = Config(denied)
    with caplog.at_level(logging.INFO):
        result = rule.handler(EVENT, None, route53=route53, config=config)
    assert result == {"evaluated": 1, "non_compliant": 0, "failed": 0}
    assert messages(caplog) == [
        ("ERROR", "could not read this rule's earlier results; deleted zones keep theirs"),
    ]
    assert caplog.records[0].exc_info is not None
