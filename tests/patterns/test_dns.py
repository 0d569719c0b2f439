"""Hybrid DNS: HybridDns (endpoints, rules, zones, logging, sharing, profiles, alarms), the
PublicRecord guard, SplitHorizonZone, the forwarder snippets, the example stack and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from patterns.dns import HybridDns, PublicRecord, SplitHorizonZone, conditional_forwarders
from tests.conftest import new_stack, template_of

ON_PREM = {"on_premises_cidrs": ["192.168.0.0/16"]}
FORWARD = {
    **ON_PREM,
    "on_premises_domains": ["corp.example.com"],
    "on_premises_dns_servers": ["192.168.10.53", "192.168.11.53"],
}


def vpc_of(stack: Stack, id: str = "Vpc", **kwargs: Any) -> ec2.Vpc:
    """Two AZs: public 10.0.0.0/18 and 10.0.64.0/18, private 10.0.128.0/18 and 10.0.192.0/18."""
    return ec2.Vpc(stack, id, max_azs=2, nat_gateways=1, **kwargs)


def hybrid(stack: Stack | None = None, **kwargs: Any) -> HybridDns:
    stack = stack or new_stack()
    arguments = {"vpcs": [vpc_of(stack)], "cloud_domains": ["aws.example.com"], **ON_PREM, **kwargs}
    return HybridDns(stack, "Dns", **arguments)


def resources(template: Template, type_: str, props: dict | None = None) -> list[dict]:
    found = template.find_resources(type_, {"Properties": props} if props else None)
    return [r["Properties"] for r in found.values()]


def dns_rules(peer_key: str, peers: list[str], verb: str) -> list[dict]:
    return [
        {
            peer_key: peer,
            "IpProtocol": protocol,
            "FromPort": 53,
            "ToPort": 53,
            "Description": f"DNS {verb} {peer.removesuffix('/32')}",
        }
        for peer in peers
        for protocol in ("tcp", "udp")
    ]


@pytest.fixture(scope="module")
def minimal() -> tuple[HybridDns, Template]:
    dns = hybrid()
    return dns, template_of(Stack.of(dns))


@pytest.fixture(scope="module")
def full() -> tuple[HybridDns, Template]:
    stack = new_stack()
    first, second, spoke = vpc_of(stack, "First"), vpc_of(stack, "Second"), vpc_of(stack, "Spoke")
    dns = HybridDns(
        stack,
        "Dns",
        vpcs=[first, second],
        cloud_domains=["aws.example.com", "aws.corp.example.com"],
        **FORWARD,
        system_domains=["legacy.corp.example.com"],
        inbound_addresses=["10.0.128.53", "10.0.192.53"],
        share_with=["111122223333", "arn:aws:organizations::111122223333:organization/o-abcdef1234"],
        profile_vpcs=[spoke],
        alarm_topic=sns.Topic(stack, "Topic"),
    )
    return dns, template_of(stack)


class TestDefaults:
    def test_private_zone_for_each_cloud_domain(self, minimal) -> None:
        dns, template = minimal
        template.resource_count_is("AWS::Route53::HostedZone", 1)
        template.has_resource_properties(
            "AWS::Route53::HostedZone",
            {
                "Name": "aws.example.com.",
                "VPCs": [{"VPCId": {"Ref": Match.string_like_regexp("^Vpc")}, "VPCRegion": "us-east-1"}],
            },
        )
        assert set(dns.private_zones) == {"aws.example.com"}

    def test_inbound_endpoint_in_two_private_subnets(self, minimal) -> None:
        _, template = minimal
        (endpoint,) = resources(template, "AWS::Route53Resolver::ResolverEndpoint")
        assert endpoint["Direction"] == "INBOUND"
        subnets = [a["SubnetId"]["Ref"] for a in endpoint["IpAddresses"]]
        assert len(subnets) == 2 and all(s.startswith("VpcPrivateSubnet") for s in subnets)
        assert all("Ip" not in a for a in endpoint["IpAddresses"])

    def test_inbound_security_group_admits_dns_from_on_premises_only(self, minimal) -> None:
        dns, template = minimal
        template.has_resource_properties(
            "AWS::EC2::SecurityGroup",
            {
                "GroupDescription": Match.string_like_regexp("inbound endpoint"),
                "SecurityGroupIngress": dns_rules("CidrIp", ["192.168.0.0/16"], "from"),
                # no egress: security groups are stateful, the replies need none
                "SecurityGroupEgress": [Match.object_like({"CidrIp": "255.255.255.255/32"})],
            },
        )
        assert dns.outbound_security_group is None

    def test_no_outbound_side_without_on_premises_domains(self, minimal) -> None:
        dns, template = minimal
        template.resource_count_is("AWS::Route53Resolver::ResolverRule", 0)
        template.resource_count_is("AWS::Route53Resolver::ResolverRuleAssociation", 0)
        assert dns.outbound_endpoint is None and dns.forward_rules == {}

    def test_query_logging_with_retention_for_each_vpc(self, minimal) -> None:
        dns, template = minimal
        template.has_resource(
            "AWS::Logs::LogGroup", {"DeletionPolicy": "Retain", "Properties": {"RetentionInDays": 365}}
        )
        (config,) = resources(template, "AWS::Route53Resolver::ResolverQueryLoggingConfig")
        assert config["DestinationArn"]["Fn::GetAtt"][0].startswith("DnsQueryLogs")
        assert config["DestinationArn"]["Fn::GetAtt"][1] == "Arn"
        template.has_resource_properties(
            "AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation",
            {
                "ResourceId": {"Ref": Match.string_like_regexp("^Vpc")},
            },
        )
        assert dns.query_log_config is not None

    def test_addresses_read_back_by_a_scoped_custom_resource(self, minimal) -> None:
        dns, template = minimal
        template.has_resource_properties(
            "Custom::ResolverEndpointAddresses",
            {
                "EndpointId": {
                    "Fn::GetAtt": [Match.string_like_regexp("^DnsInboundEndpoint"), "ResolverEndpointId"]
                },
            },
        )
        template.has_resource_properties(
            "AWS::IAM::Policy",
            {
                "PolicyDocument": {
                    "Statement": Match.array_with(
                        [
                            {
                                "Action": "route53resolver:ListResolverEndpointIpAddresses",
                                "Effect": "Allow",
                                "Resource": {
                                    "Fn::GetAtt": [Match.string_like_regexp("^DnsInboundEndpoint"), "Arn"]
                                },
                            }
                        ]
                    )
                }
            },
        )
        template.has_resource_properties("AWS::Lambda::Function", {"Handler": "endpoint_addresses.handler"})
        resolved = Stack.of(dns).resolve(dns.inbound_addresses)
        assert len(resolved) == 2
        for index, address in enumerate(resolved):
            assert address["Fn::GetAtt"][0].startswith("DnsInboundAddresses")
            assert address["Fn::GetAtt"][1] == f"Address{index}"

    def test_endpoint_alarms(self, minimal) -> None:
        dns, template = minimal
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "Namespace": "AWS/Route53Resolver",
                "MetricName": "EndpointUnhealthyENICount",
                "Statistic": "Maximum",
                "Threshold": 1,
                "EvaluationPeriods": 2,
                "Dimensions": [
                    {"Name": "EndpointId", "Value": {"Fn::GetAtt": [Match.any_value(), "ResolverEndpointId"]}}
                ],
            },
        )
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "MetricName": "EndpointHealthyENICount",
                "ComparisonOperator": "LessThanThreshold",
                "Threshold": 2,
            },
        )
        assert len(dns.alarms) == 2
        assert all("AlarmActions" not in a for a in resources(template, "AWS::CloudWatch::Alarm"))

    def test_nothing_shared_and_no_profile(self, minimal) -> None:
        dns, template = minimal
        template.resource_count_is("AWS::RAM::ResourceShare", 0)
        template.resource_count_is("AWS::Route53Profiles::Profile", 0)
        assert dns.resource_share is None and dns.profile is None


class TestOptions:
    def test_zones_associated_with_every_vpc(self, full) -> None:
        dns, template = full
        zones = resources(template, "AWS::Route53::HostedZone")
        assert sorted(z["Name"] for z in zones) == ["aws.corp.example.com.", "aws.example.com."]
        assert all(len(z["VPCs"]) == 2 for z in zones)
        assert len(dns.vpcs) == 2

    def test_outbound_security_group_reaches_the_dns_servers_only(self, full) -> None:
        _, template = full
        template.has_resource_properties(
            "AWS::EC2::SecurityGroup",
            {
                "GroupDescription": Match.string_like_regexp("outbound endpoint"),
                "SecurityGroupEgress": dns_rules("CidrIp", ["192.168.10.53/32", "192.168.11.53/32"], "to"),
                "SecurityGroupIngress": Match.absent(),
            },
        )

    def test_forward_rule_to_the_dns_servers_on_port_53(self, full) -> None:
        dns, template = full
        template.has_resource_properties("AWS::Route53Resolver::ResolverEndpoint", {"Direction": "OUTBOUND"})
        template.has_resource_properties(
            "AWS::Route53Resolver::ResolverRule",
            {
                "RuleType": "FORWARD",
                "DomainName": "corp.example.com",
                "Name": "forward-corp-example-com",
                "TargetIps": [{"Ip": "192.168.10.53", "Port": "53"}, {"Ip": "192.168.11.53", "Port": "53"}],
                "ResolverEndpointId": {
                    "Fn::GetAtt": [Match.string_like_regexp("^DnsOutboundEndpoint"), "ResolverEndpointId"]
                },
            },
        )
        assert set(dns.forward_rules) == {"corp.example.com"}

    def test_system_rules_for_exceptions_and_cloud_domains_under_on_premises_ones(self, full) -> None:
        dns, template = full
        systems = resources(template, "AWS::Route53Resolver::ResolverRule", {"RuleType": "SYSTEM"})
        assert sorted(s["DomainName"] for s in systems) == ["aws.corp.example.com", "legacy.corp.example.com"]
        assert all("TargetIps" not in s for s in systems)
        assert set(dns.system_rules) == {"aws.corp.example.com", "legacy.corp.example.com"}

    def test_every_rule_associated_with_every_vpc(self, full) -> None:
        _, template = full
        associations = resources(template, "AWS::Route53Resolver::ResolverRuleAssociation")
        assert len(associations) == 3 * 2
        assert {a["VPCId"]["Ref"][:5] for a in associations} == {"First", "Secon"}

    def test_fixed_inbound_addresses_need_no_custom_resource(self, full) -> None:
        dns, template = full
        (inbound,) = resources(template, "AWS::Route53Resolver::ResolverEndpoint", {"Direction": "INBOUND"})
        assert [a["Ip"] for a in inbound["IpAddresses"]] == ["10.0.128.53", "10.0.192.53"]
        template.resource_count_is("Custom::ResolverEndpointAddresses", 0)
        template.resource_count_is("AWS::Lambda::Function", 1)  # the VPCs' default-SG custom resource only
        assert dns.inbound_addresses == ["10.0.128.53", "10.0.192.53"] and dns.addresses_function is None
        assert dns.forwarder_configuration("windows") == "\n".join(
            f'Add-DnsServerConditionalForwarderZone -Name "{d}" -MasterServers 10.0.128.53,10.0.192.53 -ReplicationScope "Forest"'
            for d in ("aws.example.com", "aws.corp.example.com")
        )

    def test_profile_holds_zones_and_rules_for_the_profile_vpcs(self, full) -> None:
        _, template = full
        template.resource_count_is("AWS::Route53Profiles::Profile", 1)
        held = resources(template, "AWS::Route53Profiles::ProfileResourceAssociation")
        assert sorted(h["Name"] for h in held) == [
            "forward-corp-example-com",
            "system-aws-corp-example-com",
            "system-legacy-corp-example-com",
            "zone-aws-corp-example-com",
            "zone-aws-example-com",
        ]
        (association,) = resources(template, "AWS::Route53Profiles::ProfileAssociation")
        assert association["ResourceId"]["Ref"].startswith("Spoke")

    def test_rules_and_profile_shared_within_the_organization(self, full) -> None:
        _, template = full
        (share,) = resources(template, "AWS::RAM::ResourceShare")
        assert share["AllowExternalPrincipals"] is False
        assert share["Principals"] == [
            "111122223333",
            "arn:aws:organizations::111122223333:organization/o-abcdef1234",
        ]
        shared = sorted(arn["Fn::GetAtt"][0] for arn in share["ResourceArns"])
        assert len(shared) == 2  # the forward rule and the profile; SYSTEM rules stay in this account
        assert shared[0].startswith("DnsForwardcorpexamplecom") and shared[1].startswith("DnsProfile")
        assert {arn["Fn::GetAtt"][1] for arn in share["ResourceArns"]} == {"Arn"}

    def test_alarms_for_both_endpoints_go_to_the_topic(self, full) -> None:
        dns, template = full
        alarms = resources(template, "AWS::CloudWatch::Alarm")
        assert len(alarms) == 4 == len(dns.alarms)
        assert all(a["AlarmActions"][0]["Ref"].startswith("Topic") for a in alarms)

    def test_bring_your_own_query_log_group(self) -> None:
        stack = new_stack()
        group = logs.LogGroup(stack, "Mine", retention=logs.RetentionDays.ONE_MONTH)
        dns = hybrid(stack, query_log_group=group)
        template = template_of(stack)
        template.resource_count_is("AWS::Logs::LogGroup", 2)  # mine + the address reader's function logs
        (config,) = resources(template, "AWS::Route53Resolver::ResolverQueryLoggingConfig")
        assert config["DestinationArn"]["Fn::GetAtt"][0].startswith("Mine")
        assert dns.query_log_group is group

    def test_query_logging_off_and_log_removal_policy(self) -> None:
        stack = new_stack()
        dns = hybrid(stack, query_logging=False)
        other = new_stack()
        hybrid(
            other, removal_policy=RemovalPolicy.DESTROY, query_log_retention=logs.RetentionDays.THREE_MONTHS
        )
        template_of(stack).resource_count_is("AWS::Route53Resolver::ResolverQueryLoggingConfig", 0)
        assert dns.query_log_group is None
        template_of(other).has_resource(
            "AWS::Logs::LogGroup",
            {
                "DeletionPolicy": "Delete",
                "Properties": {"RetentionInDays": 90},
            },
        )

    def test_endpoint_subnets_and_external_sharing(self) -> None:
        stack = new_stack()
        vpc = vpc_of(
            stack,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC),
                ec2.SubnetConfiguration(name="Dns", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            ],
        )
        HybridDns(
            stack,
            "Dns",
            vpcs=[vpc],
            cloud_domains=["aws.example.com"],
            **FORWARD,
            endpoint_subnets=ec2.SubnetSelection(subnet_group_name="Dns"),
            share_with=["444455556666"],
            allow_external_principals=True,
            profile=True,
        )
        template = template_of(stack)
        for endpoint in resources(template, "AWS::Route53Resolver::ResolverEndpoint"):
            assert all(a["SubnetId"]["Ref"].startswith("VpcDnsSubnet") for a in endpoint["IpAddresses"])
        template.has_resource_properties("AWS::RAM::ResourceShare", {"AllowExternalPrincipals": True})
        template.resource_count_is("AWS::Route53Profiles::ProfileAssociation", 0)
        template.resource_count_is("AWS::Route53Profiles::ProfileResourceAssociation", 2)


class TestForwarderConfiguration:
    def test_bind(self) -> None:
        assert conditional_forwarders(
            ["aws.example.com", "db.aws.example.com."], ["10.0.0.10", "10.0.1.10"]
        ) == (
            'zone "aws.example.com" { type forward; forward only; forwarders { 10.0.0.10; 10.0.1.10; }; };\n'
            'zone "db.aws.example.com" { type forward; forward only; forwarders { 10.0.0.10; 10.0.1.10; }; };'
        )

    def test_unbound(self) -> None:
        assert conditional_forwarders(["aws.example.com"], ["10.0.0.10", "10.0.1.10"], "unbound") == (
            'forward-zone:\n    name: "aws.example.com."\n    forward-addr: 10.0.0.10\n    forward-addr: 10.0.1.10'
        )

    def test_windows(self) -> None:
        assert conditional_forwarders(["aws.example.com"], ["10.0.0.10", "10.0.1.10"], "windows") == (
            'Add-DnsServerConditionalForwarderZone -Name "aws.example.com" -MasterServers 10.0.0.10,10.0.1.10 '
            '-ReplicationScope "Forest"'
        )

    def test_unknown_flavour(self) -> None:
        with pytest.raises(
            ValueError, match=r"flavour='djbdns': must be one of 'bind', 'unbound', 'windows'"
        ):
            conditional_forwarders(["aws.example.com"], ["10.0.0.10"], "djbdns")


def _single_az_subnets(stack: Stack) -> ec2.SubnetSelection:
    return ec2.SubnetSelection(
        subnets=[
            ec2.Subnet.from_subnet_attributes(
                stack, f"S{i}", subnet_id=f"subnet-{i}", availability_zone="us-east-1a"
            )
            for i in range(2)
        ]
    )


class TestHybridDnsBadInput:
    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"vpcs": []}, r"vpcs=\[\]: at least one VPC"),
            ({"cloud_domains": []}, r"cloud_domains=\[\]: at least one domain"),
            (
                {"cloud_domains": ["not a domain"]},
                r"cloud_domains\[0\]='not a domain': not a valid domain name",
            ),
            (
                {"cloud_domains": ["aws.example.com", "AWS.example.com."]},
                r"cloud_domains\[1\]='AWS.example.com.': is listed twice",
            ),
            (
                {**FORWARD, "on_premises_domains": ["corp_example.com"]},
                r"on_premises_domains\[0\]='corp_example.com': not a valid",
            ),
            (
                {**FORWARD, "on_premises_domains": ["aws.example.com"]},
                r"on_premises_domains='aws.example.com': is also in cloud_domains",
            ),
            (
                {**FORWARD, "system_domains": ["other.example.org"]},
                r"system_domains='other.example.org': is not under any of on_premises_domains",
            ),
            (
                {**FORWARD, "system_domains": ["corp.example.com"]},
                r"system_domains='corp.example.com': is also in on_premises_domains",
            ),
            (
                {**FORWARD, "on_premises_dns_servers": ["dns1.corp.example.com"]},
                r"on_premises_dns_servers\[0\]='dns1.corp.example.com': not a valid IP address",
            ),
            (
                {**FORWARD, "on_premises_dns_servers": ["fd00::53"]},
                r"on_premises_dns_servers\[0\]='fd00::53': must be an IPv4 address",
            ),
            (
                {**FORWARD, "on_premises_dns_servers": ["172.16.0.53"]},
                r"on_premises_dns_servers\[0\]='172.16.0.53': is not inside any of on_premises_cidrs",
            ),
            (
                {**FORWARD, "on_premises_dns_servers": ["192.168.1.1", "192.168.1.1"]},
                r"on_premises_dns_servers\[1\]='192.168.1.1': is listed twice",
            ),
            (
                {**FORWARD, "on_premises_dns_servers": []},
                r"on_premises_dns_servers=\[\]: required with on_premises_domains",
            ),
            (
                {"on_premises_dns_servers": ["192.168.10.53"]},
                r"on_premises_dns_servers=\['192.168.10.53'\]: given without on_premises_domains",
            ),
            ({"on_premises_cidrs": []}, r"on_premises_cidrs=\[\]: at least one network"),
            (
                {"on_premises_cidrs": ["0.0.0.0/0"]},
                r"on_premises_cidrs\[0\]='0.0.0.0/0': opens DNS to the whole internet",
            ),
            (
                {"on_premises_cidrs": ["fd00::/8"]},
                r"on_premises_cidrs\[0\]='fd00::/8': must be an IPv4 network",
            ),
            (
                {"on_premises_cidrs": ["192.168.0.0/33"]},
                r"on_premises_cidrs\[0\]='192.168.0.0/33': not a valid CIDR",
            ),
            (
                {"inbound_addresses": ["10.0.128.53"]},
                r"inbound_addresses=\['10.0.128.53'\]: give one address per endpoint subnet \(2 selected\)",
            ),
            (
                {"inbound_addresses": ["10.0.128.53", "10.0.0.53"]},
                r"inbound_addresses\[1\]='10.0.0.53': is not inside its subnet 10.0.192.0/18",
            ),
            (
                {"inbound_addresses": ["10.0.128.1", "10.0.192.53"]},
                r"inbound_addresses\[0\]='10.0.128.1': is one of the addresses AWS reserves",
            ),
            (
                {"inbound_addresses": ["10.0.128.53", "ten"]},
                r"inbound_addresses\[1\]='ten': not a valid IP address",
            ),
            (
                {"endpoint_subnets": ec2.SubnetSelection(subnet_group_name="Nope")},
                r"endpoint_subnets=.*selects no subnets",
            ),
            (
                {**FORWARD, "share_with": ["1234"]},
                r"share_with\[0\]='1234': must be a 12-digit account id or an organization / OU ARN",
            ),
            (
                {**FORWARD, "share_with": ["arn:aws:iam::111122223333:root"]},
                r"share_with\[0\]='arn:aws:iam::111122223333:root'",
            ),
            ({"share_with": ["111122223333"]}, r"share_with=\['111122223333'\]: nothing to share"),
            (
                {"query_logging": False, "query_log_group": "LOG"},
                r"query_log_group='Test/Log': given with query_logging=False",
            ),
        ],
    )
    def test_each_error_names_the_argument(self, kwargs: dict, message: str) -> None:
        stack = new_stack()
        if kwargs.get("query_log_group") == "LOG":
            kwargs = {**kwargs, "query_log_group": logs.LogGroup(stack, "Log")}
        with pytest.raises(ValueError, match=message):
            hybrid(stack, **kwargs)

    def test_endpoint_subnets_in_a_single_az(self) -> None:
        stack = new_stack()
        with pytest.raises(
            ValueError, match=r"endpoint_subnets=\['us-east-1a', 'us-east-1a'\]: all subnets are in one AZ"
        ):
            hybrid(stack, endpoint_subnets=_single_az_subnets(stack))

    def test_a_single_endpoint_subnet(self) -> None:
        stack = new_stack()
        vpc = ec2.Vpc(stack, "Vpc", availability_zones=["us-east-1a", "us-east-1b"])
        with pytest.raises(ValueError, match=r"endpoint_subnets=.*select at least two subnets"):
            HybridDns(
                stack,
                "Dns",
                vpcs=[vpc],
                cloud_domains=["aws.example.com"],
                **ON_PREM,
                endpoint_subnets=ec2.SubnetSelection(availability_zones=["us-east-1a"], one_per_az=True),
            )

    def test_profile_vpc_also_associated_directly(self) -> None:
        stack = new_stack()
        vpc = vpc_of(stack)
        with pytest.raises(ValueError, match=r"profile_vpcs\[0\]='Test/Vpc': is also in vpcs"):
            HybridDns(
                stack, "Dns", vpcs=[vpc], cloud_domains=["aws.example.com"], **ON_PREM, profile_vpcs=[vpc]
            )

    def test_all_problems_reported_at_once(self) -> None:
        with pytest.raises(ValueError) as error:
            hybrid(cloud_domains=["bad"], on_premises_cidrs=["0.0.0.0/0"], share_with=["x"])
        assert str(error.value).count("\n  - ") == 4  # domain, cidr, principal, nothing to share


PRIVATE_TARGETS = [
    ("10.1.2.3", "10.0.0.0/8"),
    ("172.16.5.4", "172.16.0.0/12"),
    ("192.168.1.1", "192.168.0.0/16"),
    ("100.64.1.1", "100.64.0.0/10"),
    ("169.254.169.254", "169.254.0.0/16"),
    ("127.0.0.1", "127.0.0.0/8"),
    ("fd12:3456::1", "fc00::/7"),
    ("fe80::1", "fe80::/10"),
]


class TestPublicRecord:
    def test_a_and_aaaa_records_with_public_addresses(self) -> None:
        stack = new_stack()
        zone = route53.PublicHostedZone(stack, "Zone", zone_name="example.com")
        record = PublicRecord(
            stack, "Www", zone=zone, record_name="www", addresses=["203.0.113.10", "2001:db8::10"]
        )
        template = template_of(stack)
        template.has_resource_properties(
            "AWS::Route53::RecordSet",
            {
                "Name": "www.example.com.",
                "Type": "A",
                "ResourceRecords": ["203.0.113.10"],
                "TTL": "300",
            },
        )
        template.has_resource_properties(
            "AWS::Route53::RecordSet", {"Type": "AAAA", "ResourceRecords": ["2001:db8::10"]}
        )
        assert record.a_record is not None and record.aaaa_record is not None

    def test_ipv4_only_makes_no_aaaa_record(self) -> None:
        stack = new_stack()
        zone = route53.PublicHostedZone(stack, "Zone", zone_name="example.com")
        record = PublicRecord(stack, "Apex", zone=zone, record_name="example.com", addresses=["198.51.100.7"])
        template_of(stack).resource_count_is("AWS::Route53::RecordSet", 1)
        assert record.aaaa_record is None

    @pytest.mark.parametrize(("address", "network"), PRIVATE_TARGETS)
    def test_private_targets_are_refused_naming_the_range(self, address: str, network: str) -> None:
        stack = new_stack()
        zone = route53.PublicHostedZone(stack, "Zone", zone_name="example.com")
        expected = rf"addresses\[1\]='{address}': is a private address \(in {network}\); public DNS must not point at it"
        with pytest.raises(ValueError, match=expected):
            PublicRecord(stack, "R", zone=zone, record_name="app", addresses=["203.0.113.10", address])

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"addresses": []}, r"addresses=\[\]: at least one address is required"),
            ({"addresses": ["app.internal"]}, r"addresses\[0\]='app.internal': not a valid IP address"),
            ({"addresses": ["224.0.0.1"]}, r"addresses\[0\]='224.0.0.1': must be a public unicast address"),
            ({"addresses": ["203.0.113.1", "203.0.113.1"]}, r"addresses\[1\]='203.0.113.1': is listed twice"),
            ({"record_name": "bad_name!"}, r"record_name='bad_name!': not a valid record name"),
        ],
    )
    def test_bad_input(self, kwargs: dict, message: str) -> None:
        stack = new_stack()
        zone = route53.PublicHostedZone(stack, "Zone", zone_name="example.com")
        with pytest.raises(ValueError, match=message):
            PublicRecord(
                stack, "R", zone=zone, **{"record_name": "app", "addresses": ["203.0.113.1"], **kwargs}
            )

    def test_private_zone_is_refused(self) -> None:
        stack = new_stack()
        zone = route53.PrivateHostedZone(stack, "Zone", zone_name="example.com", vpc=vpc_of(stack))
        with pytest.raises(ValueError, match=r"zone='Test/Zone': is a private hosted zone"):
            PublicRecord(stack, "R", zone=zone, record_name="app", addresses=["203.0.113.1"])


@pytest.fixture(scope="module")
def split() -> tuple[SplitHorizonZone, Template]:
    stack = new_stack()
    zone = SplitHorizonZone(
        stack,
        "Split",
        zone_name="example.com",
        vpcs=[vpc_of(stack), vpc_of(stack, "Other")],
        public_records={"app": ["203.0.113.10"], "www": ["203.0.113.20"]},
        private_records={"app": ["10.0.128.10"], "db": ["10.0.192.5", "fd00::5"]},
    )
    return zone, template_of(stack)


class TestSplitHorizonZone:
    def test_two_zones_of_the_same_name(self, split) -> None:
        _, template = split
        zones = resources(template, "AWS::Route53::HostedZone")
        assert [z["Name"] for z in zones] == ["example.com.", "example.com."]
        assert sorted(len(z.get("VPCs", [])) for z in zones) == [0, 2]

    def test_public_zone_gets_public_addresses_only(self, split) -> None:
        zone, template = split
        public_zone = next(
            k for k in template.find_resources("AWS::Route53::HostedZone") if k.startswith("SplitPublicZone")
        )
        public = resources(template, "AWS::Route53::RecordSet", {"HostedZoneId": {"Ref": public_zone}})
        assert sorted((r["Name"], r["ResourceRecords"][0]) for r in public) == [
            ("app.example.com.", "203.0.113.10"),
            ("www.example.com.", "203.0.113.20"),
        ]
        assert set(zone.public_records) == {"app", "www"}

    def test_private_zone_overrides_and_keeps_public_only_names(self, split) -> None:
        zone, template = split
        private_zone = next(
            k for k in template.find_resources("AWS::Route53::HostedZone") if k.startswith("SplitPrivateZone")
        )
        private = resources(template, "AWS::Route53::RecordSet", {"HostedZoneId": {"Ref": private_zone}})
        assert sorted((r["Name"], r["Type"], r["ResourceRecords"][0]) for r in private) == [
            ("app.example.com.", "A", "10.0.128.10"),
            ("db.example.com.", "A", "10.0.192.5"),
            ("db.example.com.", "AAAA", "fd00::5"),
            ("www.example.com.", "A", "203.0.113.20"),  # copied: the private zone hides the public one
        ]
        assert len(zone.private_records["db"]) == 2

    def test_existing_public_zone_and_apex(self) -> None:
        stack = new_stack()
        existing = route53.PublicHostedZone(stack, "Existing", zone_name="example.com")
        split = SplitHorizonZone(
            stack,
            "Split",
            zone_name="example.com",
            vpcs=[vpc_of(stack)],
            public_zone=existing,
            public_records={"@": ["198.51.100.1"]},
            private_records={"@": ["10.0.128.1"]},
        )
        template = template_of(stack)
        template.resource_count_is("AWS::Route53::HostedZone", 2)
        template.has_resource_properties(
            "AWS::Route53::RecordSet",
            {
                "Name": "example.com.",
                "HostedZoneId": {"Ref": Match.string_like_regexp("^Existing")},
                "ResourceRecords": ["198.51.100.1"],
            },
        )
        assert split.public_zone is existing

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            (
                {"public_records": {"app": ["10.0.0.5"]}},
                r"public_records\['app'\]\[0\]='10.0.0.5': is a private address \(in 10.0.0.0/8\)",
            ),
            (
                {"private_records": {"db": ["db-host"]}},
                r"private_records\['db'\]\[0\]='db-host': not a valid IP address",
            ),
            ({"private_records": {"db": []}}, r"private_records\['db'\]=\[\]: at least one address"),
            (
                {"public_records": {"bad name": ["203.0.113.1"]}},
                r"public_records='bad name': not a valid record name",
            ),
            ({"zone_name": "example"}, r"zone_name='example': not a valid domain name"),
            ({"vpcs": []}, r"vpcs=\[\]: at least one VPC"),
        ],
    )
    def test_bad_input(self, kwargs: dict, message: str) -> None:
        stack = new_stack()
        arguments = {
            "zone_name": "example.com",
            "vpcs": [vpc_of(stack)],
            "public_records": {},
            "private_records": {},
            **kwargs,
        }
        with pytest.raises(ValueError, match=message):
            SplitHorizonZone(stack, "Split", **arguments)

    def test_public_zone_of_another_domain(self) -> None:
        stack = new_stack()
        other = route53.PublicHostedZone(stack, "Other", zone_name="example.org")
        with pytest.raises(
            ValueError, match=r"public_zone='example.org': must be the zone for zone_name='example.com'"
        ):
            SplitHorizonZone(
                stack,
                "Split",
                zone_name="example.com",
                vpcs=[vpc_of(stack)],
                public_zone=other,
                public_records={},
                private_records={},
            )


def test_example_stack_composition(example_templates) -> None:
    """The example stack (synthesized once per session, nag and cfn-lint checked in tests/stacks)."""

    template = example_templates["CdpHybridDns"]
    outputs = template["Outputs"]
    assert {
        "InboundResolverAddresses",
        "ConditionalForwarderBind",
        "ConditionalForwarderUnbound",
        "ConditionalForwarderWindows",
    } <= set(outputs)
    bind = outputs["ConditionalForwarderBind"]["Value"]["Fn::Join"][1]
    assert bind[0] == 'zone "aws.example.com" { type forward; forward only; forwarders { '
    assert bind[1]["Fn::GetAtt"][1] == "Address0"
    types = {r["Type"] for r in template["Resources"].values()}
    assert "AWS::Route53Resolver::ResolverRule" in types
    # the forward rules reach on-premises over the shared network's VPN
    network_types = {r["Type"] for r in example_templates["CdpNetwork"]["Resources"].values()}
    assert "AWS::EC2::VPNConnection" in network_types
