"""Hybrid DNS: the metrics and connections that aws-cdk-lib users reach for."""

from __future__ import annotations

import pytest
from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template

from patterns.dns import HybridDns
from tests.conftest import new_stack, template_of
from tests.patterns.conventions import ingress_rules_to, metric_shape, opens

Built = tuple[HybridDns, Stack, Template, ec2.SecurityGroup]


@pytest.fixture(scope="module")
def built() -> Built:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    dns = HybridDns(
        stack,
        "Dns",
        vpcs=[vpc],
        cloud_domains=["aws.example.com"],
        on_premises_cidrs=["192.168.0.0/16"],
        on_premises_domains=["corp.example.com"],
        on_premises_dns_servers=["192.168.10.53", "192.168.11.53"],
    )
    dns.connections.allow_default_port_from(ec2.Peer.ipv4("172.16.0.0/12"), "another network")
    client = ec2.SecurityGroup(stack, "Client", vpc=vpc, allow_all_outbound=False)
    client.connections.allow_to(dns, ec2.Port.udp(53), "DNS")  # dns is an IConnectable
    return dns, stack, template_of(stack), client


def endpoint_id(stack: Stack, endpoint: object) -> dict[str, list[str]]:
    return {"Fn::GetAtt": [stack.get_logical_id(endpoint), "ResolverEndpointId"]}  # type: ignore[arg-type]


def test_metrics(built: Built) -> None:
    dns, stack, template, _client = built
    for direction, endpoint in (("inbound", dns.inbound_endpoint), ("outbound", dns.outbound_endpoint)):
        dimensions = {"EndpointId": endpoint_id(stack, endpoint)}
        for metric, name, statistic in (
            (dns.metric_endpoint_unhealthy_eni_count(direction), "EndpointUnhealthyENICount", "Maximum"),  # type: ignore[arg-type]
            (dns.metric_endpoint_healthy_eni_count(direction), "EndpointHealthyENICount", "Minimum"),  # type: ignore[arg-type]
            (dns.metric_query_volume(direction), f"{direction.capitalize()}QueryVolume", "Sum"),  # type: ignore[arg-type]
        ):
            assert metric_shape(stack, metric) == {
                "namespace": "AWS/Route53Resolver",
                "metric_name": name,
                "dimensions": dimensions,
                "statistic": statistic,
                "period": 300,
            }, (direction, name)
        for name, statistic in (
            ("EndpointUnhealthyENICount", "Maximum"),
            ("EndpointHealthyENICount", "Minimum"),
        ):
            template.has_resource_properties(
                "AWS::CloudWatch::Alarm",
                {
                    "MetricName": name,
                    "Statistic": statistic,
                    "Period": 300,
                    "Dimensions": [{"Name": "EndpointId", "Value": endpoint_id(stack, endpoint)}],
                },
            )
    with pytest.raises(ValueError, match="direction='sideways': must be 'inbound' or 'outbound'"):
        dns.metric("InboundQueryVolume", "sideways")  # type: ignore[arg-type]


def test_no_outbound_endpoint() -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    dns = HybridDns(
        stack, "Dns", vpcs=[vpc], cloud_domains=["aws.example.com"], on_premises_cidrs=["192.168.0.0/16"]
    )
    assert dns.outbound_connections is None
    with pytest.raises(ValueError, match="there is no outbound endpoint"):
        dns.metric_query_volume("outbound")


def test_connections(built: Built) -> None:
    dns, stack, template, client = built
    inbound = ingress_rules_to(template, stack, dns.inbound_security_group)
    assert opens(inbound, 53, cidr="172.16.0.0/12")
    from_client = [
        rule
        for rule in inbound
        if rule.get("SourceSecurityGroupId") == stack.resolve(client.security_group_id)
    ]
    assert [(rule["IpProtocol"], rule["FromPort"]) for rule in from_client] == [("udp", 53)]
    assert dns.outbound_connections is not None
    assert dns.outbound_connections.security_groups == [dns.outbound_security_group]
