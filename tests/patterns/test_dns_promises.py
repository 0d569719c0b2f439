"""HybridDns promises (patterns/dns/README.md), each value written out: endpoint alarms (AWS/Route53Resolver,
5-minute periods, 2 in a row), DNS-only ingress from on-premises, query logs kept one year, forward rules."""

from __future__ import annotations

from typing import Any

import pytest

from tests.patterns.promises import (
    Alarm,
    alarms,
    example_stack_template,
    ingress_rules,
    log_retentions,
    resources,
)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return example_stack_template("CdpHybridDns")


def test_endpoint_alarms(template) -> None:
    unhealthy = Alarm(
        "AWS/Route53Resolver EndpointUnhealthyENICount Maximum",
        1,
        "GreaterThanOrEqualToThreshold",
        2,
        None,
        "notBreaching",
        300,
        "topic",
    )
    degraded = Alarm(
        "AWS/Route53Resolver EndpointHealthyENICount Minimum",
        2,
        "LessThanThreshold",
        2,
        None,
        "notBreaching",
        300,
        "topic",
    )
    assert alarms(template) == [degraded, degraded, unhealthy, unhealthy]


def test_each_endpoint_alarm_watches_its_endpoint(template) -> None:
    endpoints = {i for i, _ in resources(template, "AWS::Route53Resolver::ResolverEndpoint")}
    watched = []
    for _, alarm in resources(template, "AWS::CloudWatch::Alarm"):
        [dimension] = alarm["Properties"]["Dimensions"]
        assert dimension["Name"] == "EndpointId"
        watched.append(dimension["Value"]["Fn::GetAtt"][0])
    assert sorted(watched) == sorted([*endpoints, *endpoints])


def test_inbound_endpoint_admits_dns_from_on_premises_only(template) -> None:
    assert ingress_rules(template) == [("tcp", 53, 53, "192.168.0.0/16"), ("udp", 53, 53, "192.168.0.0/16")]


def test_query_logs_one_year_retained(template) -> None:
    assert log_retentions(template) == [(365, "Retain"), (365, "Retain")]
    [(log_id, _)] = [
        (i, r)
        for i, r in resources(template, "AWS::Logs::LogGroup")
        if any(
            c["Properties"]["DestinationArn"] == {"Fn::GetAtt": [i, "Arn"]}
            for _, c in resources(template, "AWS::Route53Resolver::ResolverQueryLoggingConfig")
        )
    ]
    assert log_id
    assert len(resources(template, "AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation")) == 1


def test_endpoints_one_per_direction_in_two_subnets(template) -> None:
    endpoints = sorted(
        (r["Properties"]["Direction"], len(r["Properties"]["IpAddresses"]))
        for _, r in resources(template, "AWS::Route53Resolver::ResolverEndpoint")
    )
    assert endpoints == [("INBOUND", 2), ("OUTBOUND", 2)]


def test_forward_rule_to_the_on_premises_servers(template) -> None:
    [(_, rule)] = resources(template, "AWS::Route53Resolver::ResolverRule")
    assert rule["Properties"]["RuleType"] == "FORWARD"
    assert rule["Properties"]["DomainName"] == "corp.example.com"
    assert rule["Properties"]["TargetIps"] == [
        {"Ip": "192.168.10.53", "Port": "53"},
        {"Ip": "192.168.11.53", "Port": "53"},
    ]
    assert len(resources(template, "AWS::Route53Resolver::ResolverRuleAssociation")) == 1


def test_cloud_zone_is_private(template) -> None:
    [(_, zone)] = resources(template, "AWS::Route53::HostedZone")
    assert zone["Properties"]["Name"] == "aws.example.com."
    assert len(zone["Properties"]["VPCs"]) == 1
