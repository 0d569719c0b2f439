"""Every branch of every idle-cost estimator: the monthly figure (from the list price written here, us-east-1,
730 hours a month) and the basis the report prints, word for word; what is not costed and why; what is $0."""

from __future__ import annotations

from typing import Any

import pytest

from patterns.review.cost import estimate
from tests.review.templates import res, stack_of

H = 730
X = "\N{MULTIPLICATION SIGN}"

ARM_TASK = res(
    "AWS::ECS::TaskDefinition", Cpu="1024", Memory="2048", RuntimePlatform={"CpuArchitecture": "ARM64"}
)
SMALL_TEMPLATE = res("AWS::EC2::LaunchTemplate", LaunchTemplateData={"InstanceType": "t3.small"})
PUBLIC_SMALL_TEMPLATE = res(
    "AWS::EC2::LaunchTemplate",
    LaunchTemplateData={
        "InstanceType": "t3.small",
        "NetworkInterfaces": [{"AssociatePublicIpAddress": "true"}],
    },
)

# name: (resources besides the priced one "X", the priced one, monthly USD, basis)
PRICED: dict[str, tuple[dict[str, Any], dict[str, Any], float, str]] = {
    "nat gateway": ({}, res("AWS::EC2::NatGateway"), 0.045 * H, f"$0.045/h {X} 730 h"),
    "elastic ip": ({}, res("AWS::EC2::EIP"), 0.005 * H, f"public IPv4 address $0.005/h {X} 730 h"),
    "alb in one subnet": (
        {},
        res("AWS::ElasticLoadBalancingV2::LoadBalancer", Subnets=["a"]),
        (0.0225 + 0.005) * H,
        f"application load balancer $0.0225/h {X} 730 h + 1 public IPv4 address {X} $0.005/h {X} 730 h "
        "(one per AZ), plus capacity units by usage",
    ),
    "alb subnet mappings first": (
        {},
        res("AWS::ElasticLoadBalancingV2::LoadBalancer", SubnetMappings=[{}, {}], Subnets=["x"]),
        (0.0225 + 2 * 0.005) * H,
        f"application load balancer $0.0225/h {X} 730 h + 2 public IPv4 addresses {X} $0.005/h {X} 730 h "
        "(one per AZ), plus capacity units by usage",
    ),
    "alb with subnets unknown": (
        {},
        res("AWS::ElasticLoadBalancingV2::LoadBalancer", Subnets={"Ref": "Subnets"}),
        (0.0225 + 2 * 0.005) * H,
        f"application load balancer $0.0225/h {X} 730 h + 2 public IPv4 addresses {X} $0.005/h {X} 730 h "
        "(one per AZ (subnets resolved at deploy time: at least 2 AZs)), plus capacity units by usage",
    ),
    "gateway load balancer has no public address": (
        {},
        res("AWS::ElasticLoadBalancingV2::LoadBalancer", Type="gateway", Subnets=["a", "b"]),
        0.0125 * H,
        f"gateway load balancer $0.0125/h {X} 730 h, plus capacity units by usage",
    ),
    "internal nlb": (
        {},
        res("AWS::ElasticLoadBalancingV2::LoadBalancer", Type="network", Scheme="internal"),
        0.0225 * H,
        f"network load balancer $0.0225/h {X} 730 h, plus capacity units by usage",
    ),
    "classic in three subnets": (
        {},
        res("AWS::ElasticLoadBalancing::LoadBalancer", Subnets=["a", "b", "c"]),
        (0.025 + 3 * 0.005) * H,
        f"classic load balancer $0.025/h {X} 730 h + 3 public IPv4 addresses {X} $0.005/h {X} 730 h (one per AZ)",
    ),
    "classic internal": (
        {},
        res("AWS::ElasticLoadBalancing::LoadBalancer", Scheme="internal"),
        0.025 * H,
        f"classic load balancer $0.025/h {X} 730 h",
    ),
    "classic with subnets unknown": (
        {},
        res("AWS::ElasticLoadBalancing::LoadBalancer"),
        (0.025 + 2 * 0.005) * H,
        f"classic load balancer $0.025/h {X} 730 h + 2 public IPv4 addresses {X} $0.005/h {X} 730 h "
        "(one per AZ (subnets resolved at deploy time: at least 2 AZs))",
    ),
    "interface endpoint": (
        {},
        res(
            "AWS::EC2::VPCEndpoint",
            VpcEndpointType="Interface",
            ServiceName="com.amazonaws.us-east-1.sqs",
            SubnetIds=["a", "b"],
        ),
        2 * 0.01 * H,
        f"Interface endpoint sqs: 2 AZ {X} $0.01/h {X} 730 h",
    ),
    "interface endpoint without a service name": (
        {},
        res("AWS::EC2::VPCEndpoint", VpcEndpointType="Interface", SubnetIds=["a"]),
        0.01 * H,
        f"Interface endpoint: 1 AZ {X} $0.01/h {X} 730 h",
    ),
    "outbound resolver endpoint": (
        {},
        res("AWS::Route53Resolver::ResolverEndpoint", Direction="OUTBOUND", IpAddresses=[{}]),
        0.125 * H,
        f"outbound Resolver endpoint: 1 IP address {X} $0.125/h {X} 730 h",
    ),
    "inbound resolver endpoint": (
        {},
        res("AWS::Route53Resolver::ResolverEndpoint", Direction="INBOUND", IpAddresses=[{}, {}, {}]),
        3 * 0.125 * H,
        f"inbound Resolver endpoint: 3 IP addresses {X} $0.125/h {X} 730 h",
    ),
    "lustre scratch 1 by default": (
        {},
        res("AWS::FSx::FileSystem", FileSystemType="LUSTRE", StorageCapacity=2400),
        2400 * 0.140,
        f"Lustre SCRATCH_1: 2400 GiB {X} $0.14/GiB-month",
    ),
    "lustre persistent 1 from strings": (
        {},
        res(
            "AWS::FSx::FileSystem",
            FileSystemType="LUSTRE",
            StorageCapacity="1200",
            LustreConfiguration={"DeploymentType": "PERSISTENT_1", "PerUnitStorageThroughput": "200"},
        ),
        1200 * 0.290,
        f"Lustre PERSISTENT_1 200 MB/s/TiB: 1200 GiB {X} $0.29/GiB-month",
    ),
    "windows single az 1 by default": (
        {},
        res(
            "AWS::FSx::FileSystem",
            FileSystemType="WINDOWS",
            StorageCapacity=32,
            WindowsConfiguration={"ThroughputCapacity": 16},
        ),
        32 * 0.130 + 16 * 2.20,
        f"Windows SINGLE_AZ_1 SSD (StorageType not set: SSD by default): 32 GiB {X} $0.130 + 16 MBps {X} $2.20 per month",
    ),
    "windows multi az": (
        {},
        res(
            "AWS::FSx::FileSystem",
            FileSystemType="WINDOWS",
            StorageCapacity=100,
            StorageType="SSD",
            WindowsConfiguration={"DeploymentType": "MULTI_AZ_1", "ThroughputCapacity": 8},
        ),
        100 * 0.230 + 8 * 4.50,
        f"Windows MULTI_AZ_1: 100 GiB {X} $0.230 + 8 MBps {X} $4.50 per month",
    ),
    "asg desired from a public launch template name": (
        {
            "T": res(
                "AWS::EC2::LaunchTemplate",
                LaunchTemplateData={
                    "InstanceType": "t3.small",
                    "NetworkInterfaces": [{"AssociatePublicIpAddress": True}],
                },
            )
        },
        res(
            "AWS::AutoScaling::AutoScalingGroup",
            DesiredCapacity="2",
            LaunchTemplate={"LaunchTemplateName": {"Ref": "T"}},
        ),
        2 * (0.0208 + 0.005) * H,
        f"max(desired 2, minimum 2) = 2: 2 t3.small {X} $0.0208/h {X} 730 h + 2 public IPv4 addresses {X} "
        f"$0.005/h {X} 730 h",
    ),
    "asg minimum above desired": (
        {"L": res("AWS::AutoScaling::LaunchConfiguration", InstanceType="t3.nano")},
        res(
            "AWS::AutoScaling::AutoScalingGroup",
            MinSize="3",
            DesiredCapacity="1",
            LaunchConfigurationName={"Ref": "L"},
        ),
        3 * 0.0052 * H,
        f"max(desired 1, minimum 3) = 3: 3 t3.nano {X} $0.0052/h {X} 730 h",
    ),
    "asg mixed instances: the first override with a type": (
        {"T": SMALL_TEMPLATE},
        res(
            "AWS::AutoScaling::AutoScalingGroup",
            MinSize=1,
            MixedInstancesPolicy={
                "LaunchTemplate": {
                    "LaunchTemplateSpecification": {"LaunchTemplateId": {"Ref": "T"}},
                    "Overrides": ["junk", {}, {"InstanceType": "m5.large"}, {"InstanceType": "c5.large"}],
                }
            },
        ),
        0.096 * H,
        f"minimum capacity 1: 1 m5.large {X} $0.096/h {X} 730 h",
    ),
    "asg mixed instances without overrides: the template's type and interfaces": (
        {"T": PUBLIC_SMALL_TEMPLATE},
        res(
            "AWS::AutoScaling::AutoScalingGroup",
            MinSize=1,
            MixedInstancesPolicy={
                "LaunchTemplate": {"LaunchTemplateSpecification": {"LaunchTemplateId": {"Ref": "T"}}}
            },
        ),
        (0.0208 + 0.005) * H,
        f"minimum capacity 1: 1 t3.small {X} $0.0208/h {X} 730 h + 1 public IPv4 address {X} $0.005/h {X} 730 h",
    ),
    "asg launch configuration with a public address": (
        {
            "L": res(
                "AWS::AutoScaling::LaunchConfiguration", InstanceType="t3.nano", AssociatePublicIpAddress=True
            )
        },
        res("AWS::AutoScaling::AutoScalingGroup", MinSize="1", LaunchConfigurationName={"Ref": "L"}),
        (0.0052 + 0.005) * H,
        f"minimum capacity 1: 1 t3.nano {X} $0.0052/h {X} 730 h + 1 public IPv4 address {X} $0.005/h {X} 730 h",
    ),
    "asg launch configuration without a public address": (
        {
            "L": res(
                "AWS::AutoScaling::LaunchConfiguration",
                InstanceType="t3.nano",
                AssociatePublicIpAddress=False,
            )
        },
        res("AWS::AutoScaling::AutoScalingGroup", MinSize="2", LaunchConfigurationName={"Ref": "L"}),
        2 * 0.0052 * H,
        f"minimum capacity 2: 2 t3.nano {X} $0.0052/h {X} 730 h",
    ),
    "instance": (
        {},
        res(
            "AWS::EC2::Instance",
            InstanceType="m5.large",
            NetworkInterfaces=[{"AssociatePublicIpAddress": False}],
        ),
        0.096 * H,
        f"always-on instance: 1 m5.large {X} $0.096/h {X} 730 h",
    ),
    "batch: the first priced instance type, per vCPU, spot at the on-demand price": (
        {},
        res(
            "AWS::Batch::ComputeEnvironment",
            ComputeResources={
                "Type": "SPOT",
                "MinvCpus": "8",
                "InstanceTypes": ["optimal", "m5.xlarge", "c5.large"],
            },
        ),
        8 * (0.192 / 4) * H,
        f"MinvCpus 8 {X} $0.0480/vCPU-h (m5.xlarge per vCPU) {X} 730 h (on-demand price: Spot is cheaper)",
    ),
    "batch optimal: m5.large per vCPU": (
        {},
        res(
            "AWS::Batch::ComputeEnvironment",
            Type="MANAGED",
            ComputeResources={"MinvCpus": 2, "InstanceTypes": ["optimal"]},
        ),
        2 * (0.096 / 2) * H,
        f"MinvCpus 2 {X} $0.0480/vCPU-h (m5.large per vCPU) {X} 730 h",
    ),
    "fargate spot capacity provider, arm": (
        {"T": ARM_TASK},
        res(
            "AWS::ECS::Service",
            CapacityProviderStrategy=[{"CapacityProvider": "FARGATE_SPOT"}, "junk"],
            DesiredCount=1,
            TaskDefinition={"Ref": "T"},
        ),
        (1 * 0.03238 + 2 * 0.00356) * H,
        f"DesiredCount 1: 1 task(s) {X} (1 vCPU + 2 GB ARM64) {X} $0.0395/h {X} 730 h, "
        "on-demand price (Fargate Spot is cheaper)",
    ),
    "fargate capacity provider, no desired count, unknown architecture priced as x86": (
        {
            "T": res(
                "AWS::ECS::TaskDefinition",
                Cpu="1024",
                Memory="2048",
                RuntimePlatform={"CpuArchitecture": "RISCV"},
            )
        },
        res(
            "AWS::ECS::Service",
            CapacityProviderStrategy=[{"CapacityProvider": "FARGATE"}],
            TaskDefinition={"Ref": "T"},
        ),
        (1 * 0.04048 + 2 * 0.004445) * H,
        f"DesiredCount not set: 1: 1 task(s) {X} (1 vCPU + 2 GB X86_64) {X} $0.0494/h {X} 730 h",
    ),
    "fargate public tasks": (
        {"T": res("AWS::ECS::TaskDefinition", Cpu="512", Memory="1024")},
        res(
            "AWS::ECS::Service",
            LaunchType="FARGATE",
            DesiredCount=3,
            TaskDefinition={"Ref": "T"},
            NetworkConfiguration={"AwsvpcConfiguration": {"AssignPublicIp": "ENABLED"}},
        ),
        3 * (0.5 * 0.04048 + 1 * 0.004445 + 0.005) * H,
        f"DesiredCount 3: 3 task(s) {X} (0.5 vCPU + 1 GB X86_64) {X} $0.0247/h {X} 730 h + 3 public IPv4 "
        f"addresses {X} $0.005/h {X} 730 h",
    ),
    "web acl without rules": (
        {},
        res("AWS::WAFv2::WebACL"),
        5.00,
        f"web ACL $5.00 + 0 rule(s) {X} $1.00, plus requests",
    ),
    "web acl with two rules": (
        {},
        res("AWS::WAFv2::WebACL", Rules=[{}, {}]),
        5.00 + 2 * 1.00,
        f"web ACL $5.00 + 2 rule(s) {X} $1.00, plus requests",
    ),
    "standard alarm": ({}, res("AWS::CloudWatch::Alarm", Period=60), 0.10, f"1 metric(s) {X} $0.10"),
    "high-resolution alarm": (
        {},
        res("AWS::CloudWatch::Alarm", Period="10"),
        0.30,
        f"1 metric(s) {X} $0.30 (high resolution)",
    ),
    "alarm period resolved at deploy time": (
        {},
        res("AWS::CloudWatch::Alarm", Period={"Ref": "P"}),
        0.10,
        f"1 metric(s) {X} $0.10",
    ),
    "metric math alarm: one per metric": (
        {},
        res(
            "AWS::CloudWatch::Alarm",
            Metrics=[{"MetricStat": {}}, {"MetricStat": {}}, {"Expression": "m1+m2"}, "junk"],
        ),
        2 * 0.10,
        f"2 metric(s) {X} $0.10",
    ),
    "anomaly detection alarm: three metrics": (
        {},
        res(
            "AWS::CloudWatch::Alarm",
            Period=60,
            Metrics=[{"MetricStat": {}}, {"Expression": "ANOMALY_DETECTION_BAND(m1, 2)"}],
        ),
        3 * 0.10,
        f"anomaly detection alarm (3 metrics) {X} $0.10",
    ),
    "composite alarm": ({}, res("AWS::CloudWatch::CompositeAlarm"), 0.50, "composite alarm $0.50"),
    "kms key": ({}, res("AWS::KMS::Key"), 1.00, "customer managed key $1.00"),
    "kms replica key": ({}, res("AWS::KMS::ReplicaKey"), 1.00, "replica key $1.00"),
    "hosted zone": ({}, res("AWS::Route53::HostedZone"), 0.50, "hosted zone $0.50, plus queries"),
    "private namespace": ({}, res("AWS::ServiceDiscovery::PrivateDnsNamespace"), 0.50, "its hosted zone"),
    "public namespace": ({}, res("AWS::ServiceDiscovery::PublicDnsNamespace"), 0.50, "its hosted zone"),
    "health check": ({}, res("AWS::Route53::HealthCheck"), 0.50, "health check $0.50 (AWS endpoint)"),
    "dashboard": ({}, res("AWS::CloudWatch::Dashboard"), 3.00, "dashboard $3.00 (first 3 per account free)"),
    "secret": ({}, res("AWS::SecretsManager::Secret"), 0.40, "secret $0.40, plus API calls"),
    "site-to-site vpn": (
        {},
        res("AWS::EC2::VPNConnection"),
        0.05 * H,
        f"Site-to-Site VPN connection $0.05/h {X} 730 h",
    ),
    "client vpn association": (
        {},
        res("AWS::EC2::ClientVpnTargetNetworkAssociation"),
        0.10 * H,
        f"Client VPN association $0.1/h {X} 730 h",
    ),
    "transit gateway attachment": (
        {},
        res("AWS::EC2::TransitGatewayAttachment"),
        0.05 * H,
        f"attachment $0.05/h {X} 730 h",
    ),
    "transit gateway vpc attachment": (
        {},
        res("AWS::EC2::TransitGatewayVpcAttachment"),
        0.05 * H,
        f"attachment $0.05/h {X} 730 h",
    ),
    "network firewall: per subnet mapping": (
        {},
        res("AWS::NetworkFirewall::Firewall", SubnetMappings=[{}, {}]),
        2 * 0.395 * H,
        f"2 endpoint(s) {X} $0.395/h {X} 730 h",
    ),
    "advanced parameter": ({}, res("AWS::SSM::Parameter", Tier="Advanced"), 0.05, "advanced parameter $0.05"),
    "provisioned table with an index": (
        {},
        res(
            "AWS::DynamoDB::Table",
            ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": "5"},
            GlobalSecondaryIndexes=[
                {"ProvisionedThroughput": {"ReadCapacityUnits": 10, "WriteCapacityUnits": 2}},
                "junk",
            ],
        ),
        (15 * 0.00013 + 7 * 0.00065) * H,
        f"provisioned 15 RCU {X} $0.00013/h + 7 WCU {X} $0.00065/h {X} 730 h",
    ),
    "on-demand kinesis stream": (
        {},
        res("AWS::Kinesis::Stream", StreamModeDetails={"StreamMode": "ON_DEMAND"}, ShardCount=4),
        0.04 * H,
        f"1 on-demand stream {X} $0.04/h {X} 730 h",
    ),
    "provisioned kinesis stream: one shard by default": (
        {},
        res("AWS::Kinesis::Stream"),
        0.015 * H,
        f"1 shard(s) {X} $0.015/h {X} 730 h",
    ),
    "provisioned kinesis stream": (
        {},
        res("AWS::Kinesis::Stream", StreamModeDetails={"StreamMode": "PROVISIONED"}, ShardCount=3),
        3 * 0.015 * H,
        f"3 shard(s) {X} $0.015/h {X} 730 h",
    ),
    "properties that are not an object": (
        {},
        {"Type": "AWS::EC2::NatGateway", "Properties": "oops"},
        0.045 * H,
        f"$0.045/h {X} 730 h",
    ),
}


@pytest.mark.parametrize(("others", "priced", "monthly", "basis"), PRICED.values(), ids=PRICED.keys())
def test_priced_line(others, priced, monthly, basis):
    report = estimate(stack_of({**others, "X": priced}))
    assert [(line.logical_id, line.resource_type, line.basis) for line in report.lines] == [
        ("X", priced["Type"], basis)
    ]
    assert report.lines[0].monthly == pytest.approx(monthly, abs=0.0051)
    assert report.not_costed == []
    assert report.total == pytest.approx(monthly, abs=0.0051)


NOT_COSTED: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    "load balancer of an unknown type": (
        {},
        res("AWS::ElasticLoadBalancingV2::LoadBalancer", Type="weird"),
        "load balancer type weird not in the price table",
    ),
    "interface endpoint with subnets resolved at deploy time": (
        {},
        res("AWS::EC2::VPCEndpoint", VpcEndpointType="GatewayLoadBalancer", SubnetIds={"Ref": "S"}),
        "GatewayLoadBalancer endpoint with subnets resolved at deploy time (per-AZ price unknown)",
    ),
    "interface endpoint with no subnet": (
        {},
        res("AWS::EC2::VPCEndpoint", VpcEndpointType="Interface", SubnetIds=[]),
        "Interface endpoint with subnets resolved at deploy time (per-AZ price unknown)",
    ),
    "lustre throughput not in the table": (
        {},
        res(
            "AWS::FSx::FileSystem",
            FileSystemType="LUSTRE",
            StorageCapacity=1200,
            LustreConfiguration={"DeploymentType": "PERSISTENT_2", "PerUnitStorageThroughput": 7},
        ),
        "FSx for Lustre PERSISTENT_2 at 7 MB/s/TiB not in the price table",
    ),
    "windows on hdd": (
        {},
        res(
            "AWS::FSx::FileSystem",
            FileSystemType="WINDOWS",
            StorageCapacity=100,
            StorageType="HDD",
            WindowsConfiguration={"ThroughputCapacity": 8},
        ),
        "FSx for Windows SINGLE_AZ_1 HDD not in the price table",
    ),
    "windows of an unknown deployment type": (
        {},
        res(
            "AWS::FSx::FileSystem",
            FileSystemType="WINDOWS",
            StorageCapacity=100,
            StorageType="SSD",
            WindowsConfiguration={"DeploymentType": "X", "ThroughputCapacity": 8},
        ),
        "FSx for Windows X SSD not in the price table",
    ),
    "windows throughput resolved at deploy time": (
        {},
        res(
            "AWS::FSx::FileSystem",
            FileSystemType="WINDOWS",
            StorageCapacity=100,
            WindowsConfiguration={"ThroughputCapacity": {"Ref": "T"}},
        ),
        "ThroughputCapacity is resolved at deploy time",
    ),
    "fsx of another type": (
        {},
        res("AWS::FSx::FileSystem", FileSystemType="OPENZFS", StorageCapacity=64),
        "FSx OPENZFS not in the price table",
    ),
    "fsx with no type": ({}, res("AWS::FSx::FileSystem", StorageCapacity=64), "FSx ? not in the price table"),
    "fsx capacity not set": (
        {},
        res("AWS::FSx::FileSystem", FileSystemType="LUSTRE"),
        "StorageCapacity is not set",
    ),
    "fsx capacity resolved at deploy time": (
        {},
        res("AWS::FSx::FileSystem", FileSystemType="LUSTRE", StorageCapacity={"Ref": "C"}),
        "StorageCapacity is resolved at deploy time",
    ),
    "fsx capacity not a number": (
        {},
        res("AWS::FSx::FileSystem", FileSystemType="LUSTRE", StorageCapacity="lots"),
        "StorageCapacity is not a number: 'lots'",
    ),
    "fsx capacity of the wrong type": (
        {},
        res("AWS::FSx::FileSystem", FileSystemType="LUSTRE", StorageCapacity=[1]),
        "StorageCapacity is not a number: [1]",
    ),
    "lustre throughput resolved at deploy time": (
        {},
        res(
            "AWS::FSx::FileSystem",
            FileSystemType="LUSTRE",
            StorageCapacity=1200,
            LustreConfiguration={"DeploymentType": "PERSISTENT_2", "PerUnitStorageThroughput": {"Ref": "T"}},
        ),
        "PerUnitStorageThroughput is resolved at deploy time",
    ),
    "asg with no instance type": (
        {},
        res("AWS::AutoScaling::AutoScalingGroup", MinSize="1"),
        "minimum capacity 1: instance type unknown at synth",
    ),
    "asg with a template that names no type": (
        {"T": res("AWS::EC2::LaunchTemplate", LaunchTemplateData={})},
        res(
            "AWS::AutoScaling::AutoScalingGroup",
            MinSize="1",
            LaunchTemplate={"LaunchTemplateId": {"Ref": "T"}},
        ),
        "minimum capacity 1: instance type unknown at synth",
    ),
    "asg desired resolved at deploy time": (
        {},
        res("AWS::AutoScaling::AutoScalingGroup", MinSize="1", DesiredCapacity={"Ref": "D"}),
        "DesiredCapacity is resolved at deploy time",
    ),
    "asg without sizes": ({}, res("AWS::AutoScaling::AutoScalingGroup"), "MinSize is not set"),
    "instance of an unpriced default type": (
        {},
        res("AWS::EC2::Instance"),
        "always-on instance: instance type m1.small not in the price table",
    ),
    "batch minimum resolved at deploy time": (
        {},
        res("AWS::Batch::ComputeEnvironment", ComputeResources={"MinvCpus": {"Ref": "M"}}),
        "MinvCpus is resolved at deploy time",
    ),
    "fargate task definition elsewhere": (
        {},
        res("AWS::ECS::Service", LaunchType="FARGATE", DesiredCount=1),
        "Fargate task definition not in this template",
    ),
    "fargate task cpu resolved at deploy time": (
        {"T": res("AWS::ECS::TaskDefinition", Cpu={"Ref": "C"}, Memory="512")},
        res("AWS::ECS::Service", LaunchType="FARGATE", TaskDefinition={"Ref": "T"}),
        "task Cpu is resolved at deploy time",
    ),
    "fargate task memory not set": (
        {"T": res("AWS::ECS::TaskDefinition", Cpu="256")},
        res("AWS::ECS::Service", LaunchType="FARGATE", TaskDefinition={"Ref": "T"}),
        "task Memory is not set",
    ),
    "fargate desired count resolved at deploy time": (
        {},
        res("AWS::ECS::Service", LaunchType="FARGATE", DesiredCount={"Ref": "N"}),
        "DesiredCount is resolved at deploy time",
    ),
    "provisioned table capacity resolved at deploy time": (
        {},
        res("AWS::DynamoDB::Table", ProvisionedThroughput={"ReadCapacityUnits": {"Ref": "R"}}),
        "ReadCapacityUnits is resolved at deploy time",
    ),
    "provisioned table write capacity not a number": (
        {},
        res(
            "AWS::DynamoDB::Table", ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": "x"}
        ),
        "WriteCapacityUnits is not a number: 'x'",
    ),
    "provisioned global table": (
        {},
        res("AWS::DynamoDB::GlobalTable", BillingMode="PROVISIONED"),
        "provisioned global table (auto-scaled capacity) not in the price table",
    ),
    "kinesis shards resolved at deploy time": (
        {},
        res("AWS::Kinesis::Stream", ShardCount={"Ref": "N"}),
        "ShardCount is resolved at deploy time",
    ),
    "unknown type": ({}, res("AWS::ElastiCache::CacheCluster"), "type not in the price table"),
    "not a resource": ({}, "not a resource", "type not in the price table"),
}


@pytest.mark.parametrize(("others", "resource", "why"), NOT_COSTED.values(), ids=NOT_COSTED.keys())
def test_not_costed(others, resource, why):
    report = estimate(stack_of({**others, "X": resource}))
    resource_type = resource["Type"] if isinstance(resource, dict) else "?"
    assert report.not_costed == [("X", resource_type, why)]
    assert report.lines == [] and report.total == 0


IDLE: dict[str, tuple[dict[str, Any], str]] = {
    "gateway endpoint by default": (res("AWS::EC2::VPCEndpoint"), "gateway endpoint: free"),
    "gateway endpoint": (res("AWS::EC2::VPCEndpoint", VpcEndpointType="Gateway"), "gateway endpoint: free"),
    "resolver endpoint without addresses": (
        res("AWS::Route53Resolver::ResolverEndpoint"),
        f" Resolver endpoint: 0 IP addresses {X} $0.125/h {X} 730 h",
    ),
    "asg at zero": (
        res("AWS::AutoScaling::AutoScalingGroup", MinSize=0),
        "minimum capacity 0: none while idle",
    ),
    "asg at zero desired": (
        res("AWS::AutoScaling::AutoScalingGroup", MinSize=0, DesiredCapacity=0),
        "max(desired 0, minimum 0) = 0: none while idle",
    ),
    "unmanaged batch": (
        res("AWS::Batch::ComputeEnvironment", Type="UNMANAGED", ComputeResources={"MinvCpus": 4}),
        "unmanaged compute environment: instances are costed where they are defined",
    ),
    "batch without compute resources": (
        res("AWS::Batch::ComputeEnvironment"),
        "unmanaged compute environment: instances are costed where they are defined",
    ),
    "batch with no minimum": (
        res("AWS::Batch::ComputeEnvironment", ComputeResources={"MaxvCpus": 4}),
        "MinvCpus not set (0 by default): instances only while jobs run",
    ),
    "batch on fargate": (
        res("AWS::Batch::ComputeEnvironment", ComputeResources={"Type": "FARGATE_SPOT", "MinvCpus": 4}),
        "FARGATE_SPOT compute environment (MinvCpus 4 does not apply to Fargate): tasks only while jobs run",
    ),
    "ecs service on ec2": (
        res("AWS::ECS::Service", LaunchType="EC2", CapacityProviderStrategy=[{"CapacityProvider": "Asg"}]),
        "EC2 launch type: its instances are costed with their Auto Scaling group",
    ),
    "ecs service with no launch type": (
        res("AWS::ECS::Service"),
        "EC2 launch type: its instances are costed with their Auto Scaling group",
    ),
    "fargate service at zero": (
        res("AWS::ECS::Service", LaunchType="FARGATE", DesiredCount=0),
        "DesiredCount 0: no task while idle",
    ),
    "standard parameter": (res("AWS::SSM::Parameter", Tier="Standard"), "standard parameter: free"),
    "on-demand table": (
        res("AWS::DynamoDB::Table", BillingMode="PAY_PER_REQUEST"),
        "on-demand capacity: usage only",
    ),
    "on-demand global table": (
        res("AWS::DynamoDB::GlobalTable", BillingMode="PAY_PER_REQUEST"),
        "on-demand capacity: usage only",
    ),
    "shield protection": (
        res("AWS::Shield::Protection"),
        "no per-protection fee (the Shield Advanced subscription is separate)",
    ),
    "network firewall without subnets": (
        res("AWS::NetworkFirewall::Firewall"),
        f"0 endpoint(s) {X} $0.395/h {X} 730 h",
    ),
    "custom resource": (res("Custom::Thing"), "free (custom resource backed by a function)"),
    "cloudformation custom resource": (res("AWS::CloudFormation::CustomResource"), "free"),
    "flow log": (res("AWS::EC2::FlowLog"), "usage only (log delivery)"),
    "subnet": (res("AWS::EC2::Subnet"), "free"),
    "listener": (res("AWS::ElasticLoadBalancingV2::Listener"), "free (part of the load balancer)"),
    "efs": (res("AWS::EFS::FileSystem"), "usage only"),
    "config rule": (res("AWS::Config::ConfigRule"), "usage only ($0.001 per rule evaluation: $0 while idle)"),
    "rule group": (
        res("AWS::WAFv2::RuleGroup"),
        "free here (counted as one rule in each web ACL that uses it)",
    ),
    "function": (res("AWS::Lambda::Function"), "usage only"),
    "ssm document": (res("AWS::SSM::Document"), "usage only"),
    "role": (res("AWS::IAM::Role"), "free"),
}


@pytest.mark.parametrize(("resource", "why"), IDLE.values(), ids=IDLE.keys())
def test_free_while_idle(resource, why):
    report = estimate(stack_of({"X": resource}))
    assert report.idle_free == {resource["Type"]: (1, why)}
    assert report.lines == [] and report.not_costed == []
    if resource["Type"] != "AWS::Shield::Protection":
        assert report.notes == []


def test_free_types_counted_sorted_with_the_first_reason():
    report = estimate(
        stack_of(
            {
                "B": res("AWS::EC2::VPCEndpoint", VpcEndpointType="Gateway"),
                "A": res("AWS::SSM::Parameter"),
                "C": res("AWS::SSM::Parameter", Tier="Standard"),
                "D": res("AWS::EC2::Subnet"),
                "E": res("AWS::EC2::Subnet"),
                "F": res("AWS::EC2::Subnet"),
            }
        )
    )
    assert list(report.idle_free.items()) == [
        ("AWS::EC2::Subnet", (3, "free")),
        ("AWS::EC2::VPCEndpoint", (1, "gateway endpoint: free")),
        ("AWS::SSM::Parameter", (2, "standard parameter: free")),
    ]


def test_notes_for_shield_and_dashboards_and_the_total():
    report = estimate(
        stack_of(
            {
                "P": res("AWS::Shield::Protection"),
                "D1": res("AWS::CloudWatch::Dashboard"),
                "D2": res("AWS::CloudWatch::Dashboard"),
                "Nat": res("AWS::EC2::NatGateway"),
            }
        )
    )
    assert report.notes == [
        "Shield Advanced protections need the Shield Advanced subscription: $3,000/month per organization "
        "(1-year commitment), not included in the total.",
        "The first 3 CloudWatch dashboards of an account are free; the total counts each one.",
    ]
    assert [line.logical_id for line in report.lines] == ["D1", "D2", "Nat"]
    assert report.total == 38.85  # 3 + 3 + 0.045 * 730


def test_line_figures_are_rounded_to_cents():
    report = estimate(
        stack_of({"T": res("AWS::DynamoDB::Table", ProvisionedThroughput={"ReadCapacityUnits": 1})})
    )
    assert report.lines[0].monthly == 0.09  # 1 * 0.00013 * 730 = 0.0949


def test_scaling_target_of_another_dimension_or_service_is_ignored():
    resources = {
        "Task": res("AWS::ECS::TaskDefinition", Cpu="256", Memory="512"),
        "Svc": res("AWS::ECS::Service", LaunchType="FARGATE", DesiredCount=1, TaskDefinition={"Ref": "Task"}),
        "Other": res("AWS::ECS::Service", LaunchType="EC2"),
        "Read": res(
            "AWS::ApplicationAutoScaling::ScalableTarget",
            MinCapacity=5,
            ScalableDimension="dynamodb:table:ReadCapacityUnits",
            ResourceId={"Fn::Join": ["", ["service/c/", {"Fn::GetAtt": ["Svc", "Name"]}]]},
        ),
        "ForOther": res(
            "AWS::ApplicationAutoScaling::ScalableTarget",
            MinCapacity=4,
            ScalableDimension="ecs:service:DesiredCount",
            ResourceId={"Fn::Join": ["", ["service/c/", {"Fn::GetAtt": ["Other", "Name"]}]]},
        ),
    }
    line = estimate(stack_of(resources)).lines[0]
    assert line.basis.startswith(f"DesiredCount 1: 1 task(s) {X} (0.25 vCPU + 0.5 GB X86_64)")
    assert line.monthly == pytest.approx((0.25 * 0.04048 + 0.5 * 0.004445) * H, abs=0.0051)


@pytest.mark.parametrize(
    ("desired", "minimum", "basis"),
    [
        (None, 2, "scaling minimum 2 (DesiredCount not set)"),
        (1, 3, "max(DesiredCount 1, scaling minimum 3) = 3"),
        (4, 3, "max(DesiredCount 4, scaling minimum 3) = 4"),
    ],
)
def test_fargate_basis_names_the_count(desired, minimum, basis):
    service: dict[str, Any] = {"LaunchType": "FARGATE", "TaskDefinition": {"Ref": "Task"}}
    if desired is not None:
        service["DesiredCount"] = desired
    resources = {
        "Task": res("AWS::ECS::TaskDefinition", Cpu="256", Memory="512"),
        "Svc": res("AWS::ECS::Service", **service),
        "Target": res(
            "AWS::ApplicationAutoScaling::ScalableTarget",
            MinCapacity=minimum,
            ScalableDimension="ecs:service:DesiredCount",
            ResourceId={"Fn::Join": ["", ["service/c/", {"Fn::GetAtt": ["Svc", "Name"]}]]},
        ),
    }
    line = estimate(stack_of(resources)).lines[0]
    assert line.basis.startswith(basis + ": ")


def test_scaling_minimum_resolved_at_deploy_time_is_not_costed():
    resources = {
        "Svc": res("AWS::ECS::Service", LaunchType="FARGATE"),
        "Target": res(
            "AWS::ApplicationAutoScaling::ScalableTarget",
            MinCapacity={"Ref": "Min"},
            ScalableDimension="ecs:service:DesiredCount",
            ResourceId={"Fn::GetAtt": ["Svc", "Name"]},
        ),
    }
    assert estimate(stack_of(resources)).not_costed == [
        ("Svc", "AWS::ECS::Service", "scaling target MinCapacity is resolved at deploy time")
    ]
