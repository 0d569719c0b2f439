"""SecureNetwork's promises (patterns/network/README.md), each value written out: the NACL ranges of each
tier, flow-log retention, endpoint ingress, the NAT and VPN alarms, no SSH anywhere."""

from __future__ import annotations

from typing import Any

import pytest

from tests.patterns.promises import (
    Alarm,
    alarms,
    example_stack_template,
    ingress_rules,
    log_retentions,
    nacl_entries,
    resources,
)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return example_stack_template("CdpNetwork")


def only(template: dict[str, Any], type_: str) -> dict[str, Any]:
    [(_, resource)] = resources(template, type_)
    return resource


def test_public_tier_nacl_admits_http_https_and_ephemeral_replies(template) -> None:
    assert nacl_entries(template)["CdpNetwork/Network/PublicAcl"] == [
        (100, "in", "-1", "vpc", None, "allow"),
        (100, "out", "-1", "vpc", None, "allow"),
        (110, "in", "6", "0.0.0.0/0", (80, 80), "allow"),
        (110, "out", "6", "0.0.0.0/0", (1024, 65535), "allow"),
        (120, "in", "6", "0.0.0.0/0", (443, 443), "allow"),
        (120, "out", "6", "0.0.0.0/0", (80, 80), "allow"),
        (130, "in", "6", "0.0.0.0/0", (1024, 65535), "allow"),
        (130, "out", "6", "0.0.0.0/0", (443, 443), "allow"),
    ]


def test_private_tier_nacl_admits_vpc_on_premises_and_replies_only(template) -> None:
    assert nacl_entries(template)["CdpNetwork/Network/PrivateAcl"] == [
        (100, "in", "-1", "vpc", None, "allow"),
        (100, "out", "-1", "vpc", None, "allow"),
        (110, "in", "-1", "192.168.0.0/16", None, "allow"),
        (110, "out", "-1", "192.168.0.0/16", None, "allow"),
        (120, "in", "6", "0.0.0.0/0", (1024, 65535), "allow"),
        (120, "out", "6", "0.0.0.0/0", (80, 80), "allow"),
        (130, "out", "6", "0.0.0.0/0", (443, 443), "allow"),
    ]


def test_isolated_tier_nacl_admits_vpc_and_https_to_gateway_endpoints_only(template) -> None:
    assert nacl_entries(template)["CdpNetwork/Network/IsolatedAcl"] == [
        (100, "in", "-1", "vpc", None, "allow"),
        (100, "out", "-1", "vpc", None, "allow"),
        (110, "in", "6", "0.0.0.0/0", (1024, 65535), "allow"),
        (110, "out", "6", "0.0.0.0/0", (443, 443), "allow"),
    ]


def test_vpc_entries_use_the_vpc_cidr(template) -> None:
    for _, entry in resources(template, "AWS::EC2::NetworkAclEntry"):
        if entry["Properties"]["RuleNumber"] == 100:
            assert entry["Properties"]["CidrBlock"]["Fn::GetAtt"][1] == "CidrBlock"


def test_each_subnet_is_associated_with_its_tier_acl(template) -> None:
    associations = resources(template, "AWS::EC2::SubnetNetworkAclAssociation")
    assert len(associations) == 6  # three tiers x two AZs


def test_no_nacl_entry_denies_or_opens_ssh_from_the_internet(template) -> None:
    for entries in nacl_entries(template).values():
        for _, direction, protocol, cidr, ports, action in entries:
            assert action == "allow"
            if direction == "in" and cidr == "0.0.0.0/0":
                assert protocol == "6" and ports is not None and not (ports[0] <= 22 <= ports[1])


def test_only_https_from_the_vpc_reaches_the_endpoints(template) -> None:
    assert ingress_rules(template) == [("tcp", 443, 443, "10.0.0.0/16")]


def test_flow_logs_of_all_traffic_kept_one_year_and_retained(template) -> None:
    assert log_retentions(template) == [(365, "Retain")]
    flow_log = only(template, "AWS::EC2::FlowLog")["Properties"]
    assert flow_log["TrafficType"] == "ALL"
    assert flow_log["LogDestinationType"] == "cloud-watch-logs"
    assert flow_log["ResourceType"] == "VPC"


def test_alarms(template) -> None:
    assert alarms(template) == [
        Alarm(
            "AWS/NATGateway ErrorPortAllocation Sum",
            1,
            "GreaterThanOrEqualToThreshold",
            1,
            None,
            "notBreaching",
            300,
            "topic",
        ),
        # no tunnel up for 15 minutes: max TunnelState < 1 over three 5-minute periods, no data = down
        Alarm("AWS/VPN TunnelState Maximum", 1, "LessThanThreshold", 3, None, "breaching", 300, "topic"),
    ]


def test_vpn_alarm_watches_this_connection(template) -> None:
    [(_, alarm)] = [
        a
        for a in resources(template, "AWS::CloudWatch::Alarm")
        if a[1]["Properties"]["MetricName"] == "TunnelState"
    ]
    [dimension] = alarm["Properties"]["Dimensions"]
    assert dimension["Name"] == "VpnId"
    [(connection_id, _)] = resources(template, "AWS::EC2::VPNConnection")
    assert dimension["Value"] == {"Ref": connection_id}


def test_public_subnets_do_not_assign_public_ips(template) -> None:
    subnets = [s["Properties"] for _, s in resources(template, "AWS::EC2::Subnet")]
    assert len(subnets) == 6
    assert all(s["MapPublicIpOnLaunch"] is False for s in subnets)


def test_one_nat_gateway_and_the_two_free_gateway_endpoints(template) -> None:
    assert len(resources(template, "AWS::EC2::NatGateway")) == 1
    gateway = [
        e["Properties"]
        for _, e in resources(template, "AWS::EC2::VPCEndpoint")
        if e["Properties"].get("VpcEndpointType", "Gateway") == "Gateway"
    ]
    services = sorted(
        e["ServiceName"]["Fn::Join"][1][-1] if isinstance(e["ServiceName"], dict) else e["ServiceName"]
        for e in gateway
    )
    assert [s.rsplit(".", 1)[-1] for s in services] == ["dynamodb", "s3"]


def test_vpn_uses_bgp_with_the_given_peer(template) -> None:
    gateway = only(template, "AWS::EC2::CustomerGateway")["Properties"]
    assert gateway["IpAddress"] == "203.0.113.10"
    assert gateway["BgpAsn"] == 65010
    assert gateway["Type"] == "ipsec.1"
    assert only(template, "AWS::EC2::VPNConnection")["Properties"]["StaticRoutesOnly"] is False
