"""SecureNetwork: tiers, NACLs, flow logs, endpoints, VPN / Direct Connect, alarms and bad input."""

from __future__ import annotations

import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from patterns.network import SESSION_MANAGER_ENDPOINTS, SecureNetwork, SiteToSiteVpn
from tests.conftest import new_stack, template_of


@pytest.fixture(scope="module")
def default_network() -> tuple[SecureNetwork, Template]:
    stack = new_stack()
    network = SecureNetwork(stack, "Net")
    return network, template_of(stack)


def acl_entries(template: Template, acl_logical_prefix: str) -> list[dict]:
    acls = template.find_resources("AWS::EC2::NetworkAcl")
    acl_id = next(k for k in acls if k.startswith(acl_logical_prefix))
    entries = template.find_resources(
        "AWS::EC2::NetworkAclEntry", {"Properties": {"NetworkAclId": {"Ref": acl_id}}}
    )
    return [e["Properties"] for e in entries.values()]


class TestDefaults:
    def test_three_tiers_in_two_azs(self, default_network) -> None:
        network, template = default_network
        assert len(network.vpc.public_subnets) == 2
        assert len(network.vpc.private_subnets) == 2
        assert len(network.vpc.isolated_subnets) == 2
        template.resource_count_is("AWS::EC2::Subnet", 6)
        template.has_resource_properties("AWS::EC2::VPC", {"CidrBlock": "10.0.0.0/16"})

    def test_public_subnets_do_not_hand_out_public_ips(self, default_network) -> None:
        _, template = default_network
        subnets = template.find_resources("AWS::EC2::Subnet")
        assert all(s["Properties"]["MapPublicIpOnLaunch"] is False for s in subnets.values())

    def test_single_nat_gateway(self, default_network) -> None:
        _, template = default_network
        template.resource_count_is("AWS::EC2::NatGateway", 1)

    def test_flow_logs_all_traffic_with_retention(self, default_network) -> None:
        _, template = default_network
        template.has_resource_properties(
            "AWS::EC2::FlowLog",
            {
                "TrafficType": "ALL",
                "LogDestinationType": "cloud-watch-logs",
                "ResourceType": "VPC",
            },
        )
        template.has_resource(
            "AWS::Logs::LogGroup", {"DeletionPolicy": "Retain", "Properties": {"RetentionInDays": 365}}
        )

    def test_gateway_endpoints_for_s3_and_dynamodb(self, default_network) -> None:
        _, template = default_network
        endpoints = template.find_resources(
            "AWS::EC2::VPCEndpoint", {"Properties": {"VpcEndpointType": "Gateway"}}
        )
        services = sorted(str(e["Properties"]["ServiceName"]) for e in endpoints.values())
        assert len(services) == 2
        assert any("dynamodb" in s for s in services) and any(".s3" in s for s in services)
        # Reachable from every tier (six route tables in two AZs).
        for endpoint in endpoints.values():
            assert len(endpoint["Properties"]["RouteTableIds"]) == 6

    def test_no_interface_endpoints_by_default(self, default_network) -> None:
        _, template = default_network
        template.resource_count_is("AWS::EC2::VPCEndpoint", 2)

    def test_default_security_group_is_stripped(self, default_network) -> None:
        _, template = default_network
        template.resource_count_is("Custom::VpcRestrictDefaultSG", 1)

    def test_one_nacl_per_tier(self, default_network) -> None:
        network, template = default_network
        template.resource_count_is("AWS::EC2::NetworkAcl", 3)
        assert set(network.network_acls) == {"Public", "Private", "Isolated"}
        template.resource_count_is("AWS::EC2::SubnetNetworkAclAssociation", 6)

    def test_nacls_are_explicit_both_ways_with_ephemeral_returns(self, default_network) -> None:
        _, template = default_network
        ephemeral = {"From": 1024, "To": 65535}
        public = acl_entries(template, "NetPublicAcl")
        assert {
            "Egress": False,
            "CidrBlock": "0.0.0.0/0",
            "PortRange": {"From": 443, "To": 443},
        }.items() <= _find(public, False, 443).items()
        # replies to internet clients, and replies from the internet to NAT-forwarded connections
        assert _find(public, True, 1024)["PortRange"] == ephemeral
        assert _find(public, False, 1024)["PortRange"] == ephemeral
        private = acl_entries(template, "NetPrivateAcl")
        assert _find(private, False, 1024)["PortRange"] == ephemeral
        assert _find(private, True, 443)["CidrBlock"] == "0.0.0.0/0"
        # nothing from the internet reaches the private tier except replies
        assert not [
            e
            for e in private
            if not e["Egress"] and e.get("CidrBlock") == "0.0.0.0/0" and e.get("PortRange") != ephemeral
        ]
        isolated = acl_entries(template, "NetIsolatedAcl")
        assert not [
            e
            for e in isolated
            if e["Egress"]
            and e.get("CidrBlock") == "0.0.0.0/0"
            and e.get("PortRange") != {"From": 443, "To": 443}
        ]

    def test_no_vpn_by_default(self, default_network) -> None:
        network, template = default_network
        template.resource_count_is("AWS::EC2::VPNGateway", 0)
        template.resource_count_is("AWS::EC2::VPNConnection", 0)
        assert network.vpn_gateway_id is None

    def test_nat_port_allocation_alarm(self, default_network) -> None:
        network, template = default_network
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "MetricName": "ErrorPortAllocation",
                "Namespace": "AWS/NATGateway",
                "Threshold": 1,
            },
        )
        assert len(network.alarms) == 1


def _find(entries: list[dict], egress: bool, from_port: int) -> dict:
    return next(
        e for e in entries if e["Egress"] is egress and e.get("PortRange", {}).get("From") == from_port
    )


class TestOptions:
    def test_nat_gateway_per_az_and_explicit_azs(self) -> None:
        stack = new_stack()
        SecureNetwork(
            stack,
            "Net",
            availability_zones=["us-east-1a", "us-east-1b", "us-east-1c"],
            nat_gateway_per_az=True,
        )
        template = template_of(stack)
        template.resource_count_is("AWS::EC2::NatGateway", 3)
        template.resource_count_is("AWS::EC2::Subnet", 9)
        template.resource_count_is("AWS::CloudWatch::Alarm", 3)

    def test_interface_endpoints_share_an_https_only_security_group(self) -> None:
        stack = new_stack()
        network = SecureNetwork(
            stack, "Net", interface_endpoints=SESSION_MANAGER_ENDPOINTS
        )  # the public default list
        template = template_of(stack)
        interface = template.find_resources(
            "AWS::EC2::VPCEndpoint", {"Properties": {"VpcEndpointType": "Interface"}}
        )
        assert len(interface) == 4
        assert all(e["Properties"]["PrivateDnsEnabled"] for e in interface.values())
        template.has_resource_properties(
            "AWS::EC2::SecurityGroup",
            {
                "SecurityGroupIngress": [
                    {
                        "CidrIp": "10.0.0.0/16",
                        "FromPort": 443,
                        "ToPort": 443,
                        "IpProtocol": "tcp",
                        "Description": "HTTPS from the VPC",
                    }
                ],
            },
        )
        assert set(network.interface_endpoints) == {"ssm", "ssmmessages", "ec2messages", "logs"}

    def test_vpn_with_bgp(self) -> None:
        stack = new_stack()
        topic = sns.Topic(stack, "Topic")
        network = SecureNetwork(
            stack,
            "Net",
            on_premises_cidrs=["192.168.0.0/16"],
            alarm_topic=topic,
            vpn=SiteToSiteVpn(customer_gateway_ip="203.0.113.10", bgp_asn=65010),
        )
        template = template_of(stack)
        template.has_resource_properties(
            "AWS::EC2::CustomerGateway", {"IpAddress": "203.0.113.10", "BgpAsn": 65010}
        )
        template.has_resource_properties(
            "AWS::EC2::VPNConnection", {"StaticRoutesOnly": False, "Type": "ipsec.1"}
        )
        template.resource_count_is("AWS::EC2::VPNConnectionRoute", 0)
        template.resource_count_is("AWS::EC2::VPNGateway", 1)
        template.has_resource_properties(
            "AWS::EC2::VPNGatewayRoutePropagation",
            {
                "RouteTableIds": Match.array_with(
                    [{"Ref": Match.string_like_regexp("NetVpcPrivateSubnet1RouteTable")}]
                ),
            },
        )
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "MetricName": "TunnelState",
                "ComparisonOperator": "LessThanThreshold",
                "TreatMissingData": "breaching",
                "AlarmActions": [{"Ref": Match.string_like_regexp("Topic")}],
            },
        )
        # on-premises networks are admitted into the private tier, both ways
        private = acl_entries(template, "NetPrivateAcl")
        assert {e["Egress"] for e in private if e.get("CidrBlock") == "192.168.0.0/16"} == {True, False}
        assert network.vpn_connection is not None

    def test_vpn_with_static_routes(self) -> None:
        stack = new_stack()
        SecureNetwork(
            stack,
            "Net",
            on_premises_cidrs=["192.168.0.0/16", "172.16.0.0/12"],
            vpn=SiteToSiteVpn(customer_gateway_ip="198.51.100.7"),
        )
        template = template_of(stack)
        template.has_resource_properties("AWS::EC2::VPNConnection", {"StaticRoutesOnly": True})
        template.resource_count_is("AWS::EC2::VPNConnectionRoute", 2)
        template.has_resource_properties(
            "AWS::EC2::VPNConnectionRoute", {"DestinationCidrBlock": "172.16.0.0/12"}
        )

    def test_existing_virtual_private_gateway_for_direct_connect(self) -> None:
        stack = new_stack()
        network = SecureNetwork(
            stack,
            "Net",
            virtual_private_gateway_id="vgw-0123456789abcdef0",
            on_premises_cidrs=["192.168.0.0/16"],
        )
        template = template_of(stack)
        template.resource_count_is("AWS::EC2::VPNGateway", 0)
        template.has_resource_properties(
            "AWS::EC2::VPCGatewayAttachment", {"VpnGatewayId": "vgw-0123456789abcdef0"}
        )
        template.has_resource_properties(
            "AWS::EC2::VPNGatewayRoutePropagation", {"VpnGatewayId": "vgw-0123456789abcdef0"}
        )
        assert network.vpn_gateway_id == "vgw-0123456789abcdef0"

    def test_flow_log_retention_and_custom_cidr(self) -> None:
        stack = new_stack()
        SecureNetwork(stack, "Net", cidr="172.20.0.0/18", flow_log_retention=logs.RetentionDays.THREE_MONTHS)
        template = template_of(stack)
        template.has_resource_properties("AWS::EC2::VPC", {"CidrBlock": "172.20.0.0/18"})
        template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 90})

    def test_works_as_vpc_for_other_constructs(self) -> None:
        stack = new_stack()
        network = SecureNetwork(stack, "Net")
        ec2.SecurityGroup(stack, "Sg", vpc=network.vpc)
        template_of(stack).resource_count_is("AWS::EC2::SecurityGroup", 1)


class TestBadInput:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"cidr": "10.0.0.0/33"}, r"cidr='10.0.0.0/33': not a valid CIDR"),
            ({"cidr": "10.0.0.1/16"}, r"cidr='10.0.0.1/16': not a valid CIDR"),
            ({"cidr": "10.0.0.0/24"}, r"prefix must be between /16 and /20"),
            ({"cidr": "10.0.0.0/20", "max_azs": 3}, r"too small for three tiers in 3 AZs"),
            ({"max_azs": 1}, r"max_azs=1: must be at least 2"),
            ({"availability_zones": ["us-east-1a"]}, r"at least two AZs"),
            (
                {"on_premises_cidrs": ["10.0.128.0/17"]},
                r"on_premises_cidrs='10.0.128.0/17': overlaps the VPC cidr",
            ),
            ({"on_premises_cidrs": ["192.168.0.0/33"]}, r"on_premises_cidrs\[0\]='192.168.0.0/33'"),
            ({"interface_endpoints": ["ssh"]}, r"interface_endpoints='ssh': must be one of"),
            ({"egress_ports": [0]}, r"egress_ports=0: must be between 1 and 65535"),
            (
                {"vpn": SiteToSiteVpn(customer_gateway_ip="10.1.1.1", bgp_asn=65000)},
                r"vpn.customer_gateway_ip='10.1.1.1': is a private address",
            ),
            (
                {"vpn": SiteToSiteVpn(customer_gateway_ip="203.0.113.300", bgp_asn=65000)},
                r"not a valid IP address",
            ),
            (
                {"vpn": SiteToSiteVpn(customer_gateway_ip="203.0.113.1")},
                r"static routing \(no bgp_asn\) needs on_premises_cidrs",
            ),
            (
                {
                    "vpn": SiteToSiteVpn(
                        customer_gateway_ip="203.0.113.1", bgp_asn=65000, tunnel_inside_cidrs=["10.0.0.0/30"]
                    )
                },
                r"must be a /30 inside 169.254.0.0/16",
            ),
            ({"amazon_side_asn": 100}, r"amazon_side_asn=100: must be a private ASN"),
        ],
    )
    def test_each_error_names_the_argument(self, kwargs: dict, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            SecureNetwork(new_stack(), "Net", **kwargs)

    def test_all_problems_reported_at_once(self) -> None:
        with pytest.raises(ValueError) as error:
            SecureNetwork(new_stack(), "Net", cidr="bad", max_azs=1, egress_ports=[70000])
        assert str(error.value).count("\n  - ") == 3
