"""Record names outside their zone are refused by PublicRecord and SplitHorizonZone."""

from __future__ import annotations

import pytest
from aws_cdk import App, Fn, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_route53 as route53
from aws_cdk.assertions import Template

from patterns.dns import HybridDns, PublicRecord, SplitHorizonZone
from patterns.dns.names import record_outside_zone


@pytest.fixture(scope="module")
def stack() -> Stack:
    return Stack(App(), "Dns")


@pytest.fixture(scope="module")
def zone(stack: Stack) -> route53.PublicHostedZone:
    return route53.PublicHostedZone(stack, "Zone", zone_name="example.com")


@pytest.mark.parametrize(
    ("record_name", "reason"),
    [
        ("www", None),
        ("www.example.com", None),
        ("WWW.Example.COM.", None),
        ("example.com.", None),
        ("*.api", None),
        ("api.internal", None),
        (
            "www.example.org",
            "is outside the zone 'example.com': it would become 'www.example.org.example.com'; give a name "
            "relative to the zone ('www') or one that ends in 'example.com'",
        ),
        ("www.example.org.", "is a fully qualified name outside the zone 'example.com'"),
        ("notexample.com.", "is a fully qualified name outside the zone 'example.com'"),
    ],
)
def test_record_outside_zone(record_name: str, reason: str | None) -> None:
    assert record_outside_zone(record_name, "example.com") == reason


def test_public_record_outside_its_zone_is_refused(stack: Stack, zone: route53.PublicHostedZone) -> None:
    with pytest.raises(ValueError) as raised:
        PublicRecord(stack, "Other", zone=zone, record_name="www.example.org.", addresses=["198.51.100.10"])
    assert str(raised.value) == (
        "PublicRecord: invalid arguments:\n"
        "  - record_name='www.example.org.': is a fully qualified name outside the zone 'example.com'"
    )


def test_public_record_inside_its_zone_is_written_as_given(
    stack: Stack, zone: route53.PublicHostedZone
) -> None:
    PublicRecord(stack, "Www", zone=zone, record_name="www.example.com", addresses=["198.51.100.10"])
    Template.from_stack(stack).has_resource_properties(
        "AWS::Route53::RecordSet",
        {"Name": "www.example.com.", "Type": "A", "ResourceRecords": ["198.51.100.10"]},
    )


def test_public_record_in_a_zone_whose_name_is_a_token_is_not_compared() -> None:
    stack = Stack(App(), "TokenZone")
    imported = route53.PublicHostedZone.from_public_hosted_zone_attributes(
        stack, "ByAttributes", hosted_zone_id="Z0123456789ABC", zone_name=Fn.import_value("ZoneName")
    )
    PublicRecord(
        stack, "Imported", zone=imported, record_name="www.example.org.", addresses=["198.51.100.10"]
    )
    Template.from_stack(stack).has_resource_properties(
        "AWS::Route53::RecordSet",
        {"Name": "www.example.org.", "Type": "A", "HostedZoneId": "Z0123456789ABC"},
    )


def test_split_horizon_records_outside_the_zone_are_refused(stack: Stack) -> None:
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    with pytest.raises(ValueError) as raised:
        SplitHorizonZone(
            stack,
            "Split",
            zone_name="example.com",
            vpcs=[vpc],
            public_records={"www.example.net": ["198.51.100.10"]},
            private_records={"db.corp.example.": ["10.0.0.10"]},
        )
    assert str(raised.value) == (
        "SplitHorizonZone: invalid arguments:\n"
        "  - public_records='www.example.net': is outside the zone 'example.com': it would become "
        "'www.example.net.example.com'; give a name relative to the zone ('www') or one that ends in "
        "'example.com'\n"
        "  - private_records='db.corp.example.': is a fully qualified name outside the zone 'example.com'"
    )


def test_resolver_endpoint_subnets_of_another_vpc_are_refused(stack: Stack) -> None:
    vpc = ec2.Vpc(stack, "HostVpc", max_azs=2, nat_gateways=0)
    other = ec2.Vpc(stack, "ElsewhereVpc", max_azs=2, nat_gateways=0)
    with pytest.raises(ValueError) as raised:
        HybridDns(
            stack,
            "Hybrid",
            vpcs=[vpc],
            cloud_domains=["cloud.example.internal"],
            on_premises_cidrs=["192.168.0.0/16"],
            endpoint_subnets=ec2.SubnetSelection(subnets=other.isolated_subnets),
        )
    assert str(raised.value) == (
        "HybridDns: invalid arguments:\n"
        "  - endpoint_subnets='Dns/ElsewhereVpc/IsolatedSubnet1': is a subnet of another VPC than vpcs[0]; "
        "give subnets of vpcs[0]\n"
        "  - endpoint_subnets='Dns/ElsewhereVpc/IsolatedSubnet2': is a subnet of another VPC than vpcs[0]; "
        "give subnets of vpcs[0]"
    )
