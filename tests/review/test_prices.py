"""Every line of the price table, tested: a small template priced by the report against a figure computed
here from the list price copied from the cited AWS page (us-east-1, on demand, 730 hours a month)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from patterns.review import prices
from patterns.review.cost import estimate
from tests.review.templates import res, stack_of

H = 730

# The list prices, copied from the pages cited in patterns/review/prices.py (not imported from it).
EC2 = {
    "t3.nano": 0.0052,
    "t3.micro": 0.0104,
    "t3.small": 0.0208,
    "t3.medium": 0.0416,
    "t3.large": 0.0832,
    "t4g.nano": 0.0042,
    "t4g.micro": 0.0084,
    "t4g.small": 0.0168,
    "t4g.medium": 0.0336,
    "t4g.large": 0.0672,
    "m5.large": 0.096,
    "m5.xlarge": 0.192,
    "m6i.large": 0.096,
    "m6i.xlarge": 0.192,
    "m6g.large": 0.077,
    "m7g.large": 0.0816,
    "m7i.large": 0.1008,
    "c5.large": 0.085,
    "c5.xlarge": 0.17,
    "c6i.large": 0.085,
    "c6g.large": 0.068,
    "c7g.large": 0.0725,
    "r5.large": 0.126,
    "r6i.large": 0.126,
    "g4dn.xlarge": 0.526,
    "g5.xlarge": 1.006,
    "p3.2xlarge": 3.06,
}
LUSTRE = {
    "SCRATCH_1": 0.140,
    "SCRATCH_2": 0.140,
    "PERSISTENT_1 50 MB/s/TiB": 0.145,
    "PERSISTENT_1 100 MB/s/TiB": 0.210,
    "PERSISTENT_1 200 MB/s/TiB": 0.290,
    "PERSISTENT_1 12 MB/s/TiB": 0.025,
    "PERSISTENT_1 40 MB/s/TiB": 0.083,
    "PERSISTENT_2 125 MB/s/TiB": 0.145,
    "PERSISTENT_2 250 MB/s/TiB": 0.210,
    "PERSISTENT_2 500 MB/s/TiB": 0.340,
    "PERSISTENT_2 1000 MB/s/TiB": 0.600,
}
WINDOWS = {"SINGLE_AZ_2": (0.130, 2.20), "SINGLE_AZ_1": (0.130, 2.20), "MULTI_AZ_1": (0.230, 4.50)}
FARGATE = {"X86_64": (0.04048, 0.004445), "ARM64": (0.03238, 0.00356)}


def _lustre(entry: str) -> dict[str, Any]:
    deployment, *rest = entry.split(" ")
    config: dict[str, Any] = {"DeploymentType": deployment}
    if rest:
        config["PerUnitStorageThroughput"] = int(rest[0])
    return res(
        "AWS::FSx::FileSystem", FileSystemType="LUSTRE", StorageCapacity=1200, LustreConfiguration=config
    )


def _windows(deployment: str) -> dict[str, Any]:
    return res(
        "AWS::FSx::FileSystem",
        FileSystemType="WINDOWS",
        StorageCapacity=100,
        WindowsConfiguration={"DeploymentType": deployment, "ThroughputCapacity": 8},
    )


def _fargate(arch: str) -> dict[str, dict[str, Any]]:
    return {
        "Task": res(
            "AWS::ECS::TaskDefinition", Cpu="1024", Memory="2048", RuntimePlatform={"CpuArchitecture": arch}
        ),
        "It": res("AWS::ECS::Service", LaunchType="FARGATE", DesiredCount=1, TaskDefinition={"Ref": "Task"}),
    }


def _asg(instance_type: str) -> dict[str, dict[str, Any]]:
    return {
        "Config": res("AWS::AutoScaling::LaunchConfiguration", InstanceType=instance_type),
        "It": res(
            "AWS::AutoScaling::AutoScalingGroup", MinSize="1", LaunchConfigurationName={"Ref": "Config"}
        ),
    }


def _one(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"It": resource}


CASES: dict[str, tuple[dict[str, dict[str, Any]], float]] = {
    "NAT_GATEWAY_HOUR": (_one(res("AWS::EC2::NatGateway")), 0.045 * H),
    "PUBLIC_IPV4_HOUR": (_one(res("AWS::EC2::EIP")), 0.005 * H),
    **{
        f"LOAD_BALANCER_HOUR[{kind}]": (
            _one(res("AWS::ElasticLoadBalancingV2::LoadBalancer", Type=kind, Scheme="internal")),
            price * H,
        )
        for kind, price in {"application": 0.0225, "network": 0.0225, "gateway": 0.0125}.items()
    },
    "LOAD_BALANCER_HOUR[classic]": (
        _one(res("AWS::ElasticLoadBalancing::LoadBalancer", Scheme="internal")),
        0.025 * H,
    ),
    "INTERFACE_ENDPOINT_AZ_HOUR": (
        _one(res("AWS::EC2::VPCEndpoint", VpcEndpointType="Interface", SubnetIds=["a"])),
        0.01 * H,
    ),
    "RESOLVER_ENDPOINT_IP_HOUR": (
        _one(
            res(
                "AWS::Route53Resolver::ResolverEndpoint", Direction="INBOUND", IpAddresses=[{"SubnetId": "a"}]
            )
        ),
        0.125 * H,
    ),
    "HOSTED_ZONE_MONTH": (_one(res("AWS::Route53::HostedZone")), 0.50),
    "VPN_CONNECTION_HOUR": (_one(res("AWS::EC2::VPNConnection")), 0.05 * H),
    "CLIENT_VPN_ASSOCIATION_HOUR": (_one(res("AWS::EC2::ClientVpnTargetNetworkAssociation")), 0.10 * H),
    "TRANSIT_GATEWAY_ATTACHMENT_HOUR": (_one(res("AWS::EC2::TransitGatewayAttachment")), 0.05 * H),
    "NETWORK_FIREWALL_ENDPOINT_HOUR": (
        _one(res("AWS::NetworkFirewall::Firewall", SubnetMappings=[{"SubnetId": "a"}])),
        0.395 * H,
    ),
    **{
        f"FSX_LUSTRE_GB_MONTH[{entry}]": (_one(_lustre(entry)), 1200 * price)
        for entry, price in LUSTRE.items()
    },
    **{
        f"FSX_WINDOWS_SSD_GB_MONTH[{deployment}]": (_one(_windows(deployment)), 100 * ssd + 8 * throughput)
        for deployment, (ssd, throughput) in WINDOWS.items()
    },
    **{
        f"FSX_WINDOWS_THROUGHPUT_MBPS_MONTH[{deployment}]": (
            _one(_windows(deployment)),
            100 * ssd + 8 * throughput,
        )
        for deployment, (ssd, throughput) in WINDOWS.items()
    },
    **{f"EC2_INSTANCE_HOUR[{name}]": (_asg(name), price * H) for name, price in EC2.items()},
    "BATCH_DEFAULT_VCPU_HOUR": (
        _one(
            res(
                "AWS::Batch::ComputeEnvironment",
                ComputeResources={"MinvCpus": 2, "InstanceTypes": ["optimal"]},
            )
        ),
        2 * (0.096 / 2) * H,
    ),
    **{
        f"FARGATE_VCPU_HOUR[{arch}]": (_fargate(arch), (1 * vcpu + 2 * gb) * H)
        for arch, (vcpu, gb) in FARGATE.items()
    },
    **{
        f"FARGATE_GB_HOUR[{arch}]": (_fargate(arch), (1 * vcpu + 2 * gb) * H)
        for arch, (vcpu, gb) in FARGATE.items()
    },
    "WAF_WEB_ACL_MONTH": (_one(res("AWS::WAFv2::WebACL", Rules=[{}, {}])), 5.00 + 2 * 1.00),
    "WAF_RULE_MONTH": (_one(res("AWS::WAFv2::WebACL", Rules=[{}, {}, {}])), 5.00 + 3 * 1.00),
    "KMS_KEY_MONTH": (_one(res("AWS::KMS::Key")), 1.00),
    "SECRET_MONTH": (_one(res("AWS::SecretsManager::Secret")), 0.40),
    "SSM_ADVANCED_PARAMETER_MONTH": (_one(res("AWS::SSM::Parameter", Tier="Advanced")), 0.05),
    "ALARM_MONTH": (_one(res("AWS::CloudWatch::Alarm", Period=300)), 0.10),
    "ALARM_HIGH_RESOLUTION_MONTH": (_one(res("AWS::CloudWatch::Alarm", Period=10)), 0.30),
    "COMPOSITE_ALARM_MONTH": (_one(res("AWS::CloudWatch::CompositeAlarm")), 0.50),
    "DASHBOARD_MONTH": (_one(res("AWS::CloudWatch::Dashboard")), 3.00),
    "DYNAMODB_RCU_HOUR": (
        _one(
            res(
                "AWS::DynamoDB::Table",
                ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 0},
            )
        ),
        5 * 0.00013 * H,
    ),
    "DYNAMODB_WCU_HOUR": (
        _one(
            res(
                "AWS::DynamoDB::Table",
                ProvisionedThroughput={"ReadCapacityUnits": 0, "WriteCapacityUnits": 5},
            )
        ),
        5 * 0.00065 * H,
    ),
    "KINESIS_SHARD_HOUR": (_one(res("AWS::Kinesis::Stream", ShardCount=2)), 2 * 0.015 * H),
    "KINESIS_ON_DEMAND_STREAM_HOUR": (
        _one(res("AWS::Kinesis::Stream", StreamModeDetails={"StreamMode": "ON_DEMAND"})),
        0.04 * H,
    ),
    "HEALTH_CHECK_MONTH": (_one(res("AWS::Route53::HealthCheck")), 0.50),
}


def test_every_price_line_has_a_case_and_every_constant_a_line():
    keys = [row.key for row in prices.table()]
    assert prices.undescribed() == []
    assert len(keys) == len(set(keys))
    assert set(keys) - {"SHIELD_ADVANCED_SUBSCRIPTION_MONTH"} == set(CASES)


@pytest.mark.parametrize("key", sorted(CASES))
def test_price_line(key):
    resources, expected = CASES[key]
    report = estimate(stack_of(resources))
    assert [line.logical_id for line in report.lines] == ["It"], report.not_costed
    assert report.lines[0].monthly == pytest.approx(round(expected, 2), abs=0.006)


def test_shield_advanced_is_a_note_at_its_list_price():
    report = estimate(stack_of({"It": res("AWS::Shield::Protection")}))
    assert report.total == 0
    assert any("$3,000/month" in note for note in report.notes)


def test_table_rows_are_dated_and_cited():
    assert prices.PRICES_AS_OF == "2026-01" and prices.REGION == "us-east-1"
    for row in prices.table():
        assert re.fullmatch(r"https://aws\.amazon\.com/[a-z0-9/-]+/", row.source), row
        assert row.unit in ("hour", "month", "GB-month", "MBps-month", "vCPU-hour", "GB-hour"), row
