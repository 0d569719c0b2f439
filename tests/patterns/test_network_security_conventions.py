"""Network and security baseline: the grants, metrics and connections that aws-cdk-lib users reach for."""

from __future__ import annotations

import pytest
from aws_cdk import aws_ec2 as ec2

from patterns.network import SESSION_MANAGER_ENDPOINTS, SecureNetwork, SiteToSiteVpn
from patterns.security import ComplianceBaseline, EdgeProtection
from tests.conftest import new_stack, template_of
from tests.patterns.conventions import (
    actions_on,
    ingress_rules_to,
    metric_shape,
    new_role,
    opens,
    statements_of,
)


def test_network_metrics_and_connections() -> None:
    stack = new_stack()
    network = SecureNetwork(
        stack,
        "Net",
        interface_endpoints=SESSION_MANAGER_ENDPOINTS,
        vpn=SiteToSiteVpn(customer_gateway_ip="203.0.113.10", bgp_asn=65010),
        on_premises_cidrs=["192.168.0.0/16"],
    )
    network.connections.allow_default_port_from(ec2.Peer.ipv4("172.16.0.0/12"), "a peered VPC")
    template = template_of(stack)
    assert opens(
        ingress_rules_to(template, stack, network.endpoint_security_group), 443, cidr="172.16.0.0/12"
    )  # type: ignore[arg-type]
    nat = network.vpc.public_subnets[0].node.find_child("NATGateway")
    assert metric_shape(stack, network.metric_error_port_allocation()) == {
        "namespace": "AWS/NATGateway",
        "metric_name": "ErrorPortAllocation",
        "dimensions": {"NatGatewayId": {"Ref": stack.get_logical_id(nat)}},  # type: ignore[arg-type]
        "statistic": "Sum",
        "period": 300,
    }
    assert metric_shape(stack, network.metric_tunnel_state()) == {
        "namespace": "AWS/VPN",
        "metric_name": "TunnelState",
        "dimensions": {"VpnId": {"Ref": stack.get_logical_id(network.vpn_connection)}},  # type: ignore[arg-type]
        "statistic": "Maximum",
        "period": 300,
    }
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/NATGateway",
            "MetricName": "ErrorPortAllocation",
            "Statistic": "Sum",
            "Period": 300,
        },
    )
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"Namespace": "AWS/VPN", "MetricName": "TunnelState", "Statistic": "Maximum", "Period": 300},
    )
    with pytest.raises(ValueError, match="nat_index=5: no NAT gateway"):
        network.metric_error_port_allocation(5)


def test_network_without_endpoints_or_vpn() -> None:
    network = SecureNetwork(new_stack(), "Net")
    with pytest.raises(ValueError, match="connections needs interface endpoints"):
        _ = network.connections
    with pytest.raises(ValueError, match="metric_tunnel_state needs a VPN"):
        network.metric_tunnel_state()


@pytest.mark.parametrize(
    ("scope_type", "dimensions"),
    [
        ("REGIONAL", {"Rule": "ALL", "Region": "us-east-1"}),
        ("CLOUDFRONT", {"Rule": "ALL"}),
    ],
)
def test_edge_metrics(scope_type: str, dimensions: dict[str, str]) -> None:
    stack = new_stack()
    edge = EdgeProtection(stack, "Edge", scope_type=scope_type)
    web_acl = stack.resolve(edge.web_acl_name)
    for metric, name in (
        (edge.metric_blocked_requests(), "BlockedRequests"),
        (edge.metric_allowed_requests(), "AllowedRequests"),
    ):
        assert metric_shape(stack, metric) == {
            "namespace": "AWS/WAFV2",
            "metric_name": name,
            "dimensions": {"WebACL": web_acl, **dimensions},
            "statistic": "Sum",
            "period": 300,
        }, name
    assert edge.blocked_requests_metric.metric_name == "BlockedRequests"
    template_of(stack).has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"Namespace": "AWS/WAFV2", "MetricName": "BlockedRequests", "Statistic": "Sum", "Period": 300},
    )


def test_compliance_grant_and_metric() -> None:
    stack = new_stack()
    baseline = ComplianceBaseline(stack, "Compliance")
    role = new_role(stack, "Instance")
    grant = baseline.grant_session_logging(role)
    assert grant.success
    template = template_of(stack)
    statements = statements_of(template, stack, role)
    log_group = {"Fn::GetAtt": [stack.get_logical_id(baseline.session_log_group.node.default_child), "Arn"]}  # type: ignore[union-attr, arg-type]
    assert actions_on(statements, log_group) == [
        "logs:CreateLogStream",
        "logs:DescribeLogGroups",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
    ]
    assert actions_on(statements, "*") == ["logs:DescribeLogGroups"]
    key = {"Fn::GetAtt": [stack.get_logical_id(baseline.session_key.node.default_child), "Arn"]}  # type: ignore[union-attr, arg-type]
    assert actions_on(statements, key) == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert metric_shape(stack, baseline.metric_public_dns_rule_errors()) == {
        "namespace": "AWS/Lambda",
        "metric_name": "Errors",
        "dimensions": {
            "FunctionName": {"Ref": stack.get_logical_id(baseline.public_dns_function.node.default_child)}
        },  # type: ignore[union-attr, arg-type]
        "statistic": "Sum",
        "period": 300,
    }
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"Namespace": "AWS/Lambda", "MetricName": "Errors", "Statistic": "Sum", "Period": 300},
    )
    without = ComplianceBaseline(new_stack(), "Compliance", public_dns_rule=False)
    with pytest.raises(ValueError, match="needs public_dns_rule=True"):
        without.metric_public_dns_rule_errors()
