"""The public-DNS custom Config rule's handler, against moto's Route 53 and AWS Config.

moto's ``PutEvaluations`` accepts only ``TestMode=True`` (it stores nothing), so the evaluations are
read from the request that boto3 sends to moto (a ``provide-client-params`` hook, which observes and
does not replace the call). One test stubs that single call for a real (non-test) result token,
because moto raises NotImplementedError for it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from patterns._core import PRIVATE_NETWORKS
from patterns.security.runtime import public_dns_private_targets as rule

EVENT = {
    "invokingEvent": json.dumps(
        {"messageType": "ScheduledNotification", "notificationCreationTime": "2026-03-01T12:00:00.000Z"}
    ),
    "ruleParameters": "{}",
    "resultToken": "TESTMODE",
    "configRuleName": "public-dns-private-targets",
}


@pytest.fixture
def earlier() -> list[tuple[str, str]]:
    """(zone id, compliance type) this rule reported before: what GetComplianceDetailsByConfigRule
    answers (moto does not implement it, so the ``aws`` fixture stubs that one call)."""
    return []


@pytest.fixture
def aws(earlier: list[tuple[str, str]]) -> Iterator[tuple[Any, Any, list[dict[str, Any]]]]:
    with mock_aws():
        route53 = boto3.client("route53", region_name="us-east-1")
        config = boto3.client("config", region_name="us-east-1")
        sent: list[dict[str, Any]] = []

        def capture(params: dict[str, Any], **_: Any) -> None:
            sent.append(params)

        def compliance_details(params: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]]:
            params = json.loads(params["body"])  # the request as sent (JSON protocol)
            assert params["ConfigRuleName"] == EVENT["configRuleName"]
            results = [
                {
                    "EvaluationResultIdentifier": {
                        "EvaluationResultQualifier": {
                            "ConfigRuleName": EVENT["configRuleName"],
                            "ResourceType": "AWS::Route53::HostedZone",
                            "ResourceId": zone_id,
                        }
                    },
                    "ComplianceType": kind,
                }
                for zone_id, kind in earlier
                if kind in params["ComplianceTypes"]
            ]
            return AWSResponse("https://config.us-east-1.amazonaws.com", 200, {}, None), {
                "EvaluationResults": results
            }

        config.meta.events.register("provide-client-params.config-service.PutEvaluations", capture)
        config.meta.events.register(
            "before-call.config-service.GetComplianceDetailsByConfigRule", compliance_details
        )
        yield route53, config, sent


def zone(route53: Any, name: str, records: list[tuple[str, str, list[str]]], *, private: bool = False) -> str:
    kwargs: dict[str, Any] = {"Name": name, "CallerReference": name}
    if private:
        ec2 = boto3.client("ec2", region_name="us-east-1")
        vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        kwargs |= {
            "HostedZoneConfig": {"PrivateZone": True, "Comment": "internal"},
            "VPC": {"VPCRegion": "us-east-1", "VPCId": vpc_id},
        }
    zone_id = route53.create_hosted_zone(**kwargs)["HostedZone"]["Id"].split("/")[-1]
    changes = [
        {
            "Action": "CREATE",
            "ResourceRecordSet": {
                "Name": f"{host}.{name}",
                "Type": kind,
                "TTL": 300,
                "ResourceRecords": [{"Value": v} for v in values],
            },
        }
        for host, kind, values in records
    ]
    if changes:
        route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": changes})
    return zone_id


def evaluations_of(sent: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["ComplianceResourceId"]: e for call in sent for e in call["Evaluations"]}


def test_public_zone_with_private_a_record_is_non_compliant(aws) -> None:
    route53, config, sent = aws
    zone_id = zone(route53, "example.com", [("www", "A", ["203.0.113.10"]), ("db", "A", ["10.1.2.3"])])
    result = rule.handler(EVENT, None, route53=route53, config=config)
    evaluation = evaluations_of(sent)[zone_id]
    assert evaluation["ComplianceType"] == "NON_COMPLIANT"
    assert evaluation["ComplianceResourceType"] == "AWS::Route53::HostedZone"
    assert "db.example.com. A 10.1.2.3 (10.0.0.0/8)" in evaluation["Annotation"]
    assert "203.0.113.10" not in evaluation["Annotation"]
    assert evaluation["OrderingTimestamp"].isoformat().startswith("2026-03-01T12:00:00")
    assert sent[0]["TestMode"] is True and sent[0]["ResultToken"] == "TESTMODE"
    assert result == {"evaluated": 1, "non_compliant": 1, "failed": 0}


def test_clean_public_zone_is_compliant_and_private_zone_is_ignored(aws) -> None:
    route53, config, sent = aws
    clean = zone(
        route53,
        "example.org",
        [
            ("www", "A", ["198.51.100.7"]),
            ("v6", "AAAA", ["2001:db8::1"]),
            ("mail", "CNAME", ["mail.example.net"]),
        ],
    )
    internal = zone(route53, "corp.internal", [("db", "A", ["10.0.0.5"])], private=True)
    result = rule.handler(EVENT, None, route53=route53, config=config)
    evaluations = evaluations_of(sent)
    assert evaluations[clean]["ComplianceType"] == "COMPLIANT"
    assert "Annotation" not in evaluations[clean]
    assert internal not in evaluations
    assert result["evaluated"] == 1 and result["non_compliant"] == 0


@pytest.mark.parametrize(
    ("kind", "value", "network"),
    [
        ("A", "172.20.1.1", "172.16.0.0/12"),
        ("A", "192.168.1.1", "192.168.0.0/16"),
        ("A", "100.64.0.1", "100.64.0.0/10"),
        ("A", "169.254.169.254", "169.254.0.0/16"),
        ("A", "127.0.0.1", "127.0.0.0/8"),
        ("AAAA", "fd12:3456::1", "fc00::/7"),
        ("AAAA", "fe80::1", "fe80::/10"),
        ("AAAA", "::1", "::1/128"),
    ],
)
def test_every_private_range_is_flagged(aws, kind: str, value: str, network: str) -> None:
    route53, config, sent = aws
    zone_id = zone(route53, "example.net", [("host", kind, [value])])
    rule.handler(EVENT, None, route53=route53, config=config)
    evaluation = evaluations_of(sent)[zone_id]
    assert evaluation["ComplianceType"] == "NON_COMPLIANT"
    assert f"({network})" in evaluation["Annotation"]


def test_range_list_matches_the_library() -> None:
    # The handler must stay self-contained; this keeps its copy in step with patterns._core.
    assert [str(n) for n in rule.PRIVATE_NETWORKS] == [str(n) for n in PRIVATE_NETWORKS]


def test_long_annotations_are_truncated_to_the_api_limit(aws) -> None:
    route53, config, sent = aws
    zone_id = zone(route53, "example.com", [(f"host{i}", "A", [f"10.0.0.{i}"]) for i in range(1, 30)])
    rule.handler(EVENT, None, route53=route53, config=config)
    annotation = evaluations_of(sent)[zone_id]["Annotation"]
    assert len(annotation) == 256 and annotation.endswith("...")
    assert annotation.startswith("29 record(s)")


def test_no_public_zone_sends_nothing(aws) -> None:
    route53, config, sent = aws
    zone(route53, "corp.internal", [("db", "A", ["10.0.0.5"])], private=True)
    assert rule.handler(EVENT, None, route53=route53, config=config)["evaluated"] == 0
    assert sent == []


def test_more_than_100_zones_are_sent_in_batches(aws) -> None:
    route53, config, sent = aws
    for i in range(101):
        zone(route53, f"site{i}.example.com", [])
    assert rule.handler(EVENT, None, route53=route53, config=config)["evaluated"] == 101
    assert [len(call["Evaluations"]) for call in sent] == [100, 1]


def test_real_result_token_is_not_test_mode(aws) -> None:
    route53, config, sent = aws
    zone(route53, "example.com", [("db", "A", ["10.1.2.3"])])

    # moto implements PutEvaluations for TestMode only; stub just this one call's response.
    def respond(**_: Any) -> tuple[Any, dict[str, Any]]:
        return AWSResponse("https://config.us-east-1.amazonaws.com", 200, {}, None), {
            "FailedEvaluations": [{"ComplianceResourceId": "x"}]
        }

    config.meta.events.register("before-call.config-service.PutEvaluations", respond)
    result = rule.handler({**EVENT, "resultToken": "token-123"}, None, route53=route53, config=config)
    assert sent[0]["TestMode"] is False and sent[0]["ResultToken"] == "token-123"
    assert result["failed"] == 1


def test_default_clients_come_from_boto3(aws, monkeypatch: pytest.MonkeyPatch) -> None:
    route53, config, _sent = aws
    zone(route53, "example.com", [("db", "A", ["10.1.2.3"])])
    monkeypatch.setattr(rule.boto3, "client", lambda name, **_: {"route53": route53, "config": config}[name])
    assert rule.handler(EVENT, None)["non_compliant"] == 1


def test_deleted_zones_become_not_applicable(aws, earlier) -> None:
    # A periodic rule reports only the zones it finds: without a clean-up, a deleted zone keeps its
    # last result (NON_COMPLIANT here) in AWS Config forever.
    route53, config, sent = aws
    kept = zone(route53, "example.com", [("www", "A", ["203.0.113.10"])])
    earlier.extend(
        [(kept, "NON_COMPLIANT"), ("ZGONE000000000", "NON_COMPLIANT"), ("ZOLD1111111111", "COMPLIANT")]
    )
    result = rule.handler(EVENT, None, route53=route53, config=config)
    evaluations = evaluations_of(sent)
    assert evaluations[kept]["ComplianceType"] == "COMPLIANT"
    for gone in ("ZGONE000000000", "ZOLD1111111111"):
        assert evaluations[gone]["ComplianceType"] == "NOT_APPLICABLE"
        assert evaluations[gone]["ComplianceResourceType"] == "AWS::Route53::HostedZone"
        assert evaluations[gone]["OrderingTimestamp"].isoformat().startswith("2026-03-01T12:00:00")
    assert len(sent[0]["Evaluations"]) == 3
    assert result == {"evaluated": 1, "non_compliant": 0, "failed": 0}


def test_last_zone_deleted_still_clears_its_result(aws, earlier) -> None:
    route53, config, sent = aws
    earlier.append(("ZGONE000000000", "NON_COMPLIANT"))
    rule.handler(EVENT, None, route53=route53, config=config)
    assert evaluations_of(sent)["ZGONE000000000"]["ComplianceType"] == "NOT_APPLICABLE"


def test_unreadable_earlier_results_do_not_stop_the_evaluation(aws) -> None:
    route53, config, sent = aws
    zone_id = zone(route53, "example.com", [("db", "A", ["10.1.2.3"])])

    def denied(**_: Any) -> tuple[Any, dict[str, Any]]:
        error = {"Error": {"Code": "AccessDeniedException", "Message": "no"}}
        return AWSResponse("https://config.us-east-1.amazonaws.com", 400, {}, None), error

    config.meta.events.register_first("before-call.config-service.GetComplianceDetailsByConfigRule", denied)
    assert rule.handler(EVENT, None, route53=route53, config=config)["non_compliant"] == 1
    assert evaluations_of(sent)[zone_id]["ComplianceType"] == "NON_COMPLIANT"


def test_ipv4_mapped_ipv6_private_address_is_flagged(aws) -> None:
    route53, config, sent = aws
    zone_id = zone(route53, "example.net", [("host", "AAAA", ["::ffff:10.1.2.3"])])
    rule.handler(EVENT, None, route53=route53, config=config)
    evaluation = evaluations_of(sent)[zone_id]
    assert evaluation["ComplianceType"] == "NON_COMPLIANT"
    assert "(10.0.0.0/8)" in evaluation["Annotation"]
    assert rule.private_network_of("::ffff:203.0.113.9") is None


def test_rule_function_may_read_its_earlier_results() -> None:
    """The clean-up above needs config:GetComplianceDetailsByConfigRule on the function's role."""
    from patterns.security import ComplianceBaseline
    from tests.conftest import new_stack, template_of

    stack = new_stack()
    baseline = ComplianceBaseline(stack, "Compliance")
    role = stack.resolve(baseline.public_dns_function.role.role_name)
    template = template_of(stack)
    granted = {
        a
        for r in template.find_resources("AWS::IAM::Policy").values()
        if role in r["Properties"]["Roles"]
        for s in r["Properties"]["PolicyDocument"]["Statement"]
        for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    }
    assert {"config:GetComplianceDetailsByConfigRule", "config:PutEvaluations"} <= granted
