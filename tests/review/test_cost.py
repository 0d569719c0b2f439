"""Idle cost: what bills while idle, scaling minimums, public IPv4 addresses, and what is not costed."""

from __future__ import annotations

import pytest

from patterns.review.cost import estimate
from tests.review.templates import res, stack_of

H = 730
IPV4 = 0.005  # https://aws.amazon.com/vpc/pricing/ (public IPv4 address per hour)
ALB = 0.0225  # https://aws.amazon.com/elasticloadbalancing/pricing/
TASK_QUARTER = 0.25 * 0.04048 + 0.5 * 0.004445  # 0.25 vCPU + 0.5 GB Fargate x86 per hour


@pytest.fixture(scope="module")
def costly():
    return stack_of(
        {
            "Nat": res("AWS::EC2::NatGateway"),
            "Alb": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Subnets=["a", "b", "c"]),
            "Nlb": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Type="network", Scheme="internal"),
            "Ssm": res(
                "AWS::EC2::VPCEndpoint",
                VpcEndpointType="Interface",
                ServiceName="com.amazonaws.us-east-1.ssm",
                SubnetIds=[{"Ref": "A"}, {"Ref": "B"}, {"Ref": "C"}],
            ),
            "S3": res("AWS::EC2::VPCEndpoint", ServiceName="com.amazonaws.us-east-1.s3"),
            "Inbound": res(
                "AWS::Route53Resolver::ResolverEndpoint",
                Direction="INBOUND",
                IpAddresses=[{"SubnetId": "a"}, {"SubnetId": "b"}],
            ),
            "Lustre": res(
                "AWS::FSx::FileSystem",
                FileSystemType="LUSTRE",
                StorageCapacity=1200,
                LustreConfiguration={"DeploymentType": "PERSISTENT_2", "PerUnitStorageThroughput": 125},
            ),
            "Template": res("AWS::EC2::LaunchTemplate", LaunchTemplateData={"InstanceType": "t3.micro"}),
            "Asg": res(
                "AWS::AutoScaling::AutoScalingGroup",
                MinSize="2",
                MaxSize="4",
                LaunchTemplate={"LaunchTemplateId": {"Ref": "Template"}, "Version": "1"},
            ),
            "ZeroAsg": res("AWS::AutoScaling::AutoScalingGroup", MinSize="0", MaxSize="4"),
            "Batch": res(
                "AWS::Batch::ComputeEnvironment",
                Type="MANAGED",
                ComputeResources={
                    "Type": "EC2",
                    "MinvCpus": 4,
                    "MaxvCpus": 64,
                    "InstanceTypes": ["c5.large"],
                },
            ),
            "Task": res(
                "AWS::ECS::TaskDefinition", Cpu="512", Memory="1024", RequiresCompatibilities=["FARGATE"]
            ),
            "Service": res(
                "AWS::ECS::Service", LaunchType="FARGATE", DesiredCount=2, TaskDefinition={"Ref": "Task"}
            ),
            "Acl": res("AWS::WAFv2::WebACL", Rules=[{"Name": "a"}, {"Name": "b"}, {"Name": "managed-group"}]),
            "Protection": res("AWS::Shield::Protection"),
            "Key": res("AWS::KMS::Key"),
            "Zone": res("AWS::Route53::HostedZone"),
            "Rule": res("AWS::Config::ConfigRule"),
            "Alarm": res("AWS::CloudWatch::Alarm", Period=300),
            "Board": res("AWS::CloudWatch::Dashboard"),
            "Secret": res("AWS::SecretsManager::Secret"),
            "Vpn": res("AWS::EC2::VPNConnection"),
            "QueryLogs": res("AWS::Route53Resolver::ResolverQueryLoggingConfig"),
            "Vpc": res("AWS::EC2::VPC"),
            "Fn": res("AWS::Lambda::Function"),
            "Custom": res("Custom::Thing"),
            "Cache": res("AWS::ElastiCache::CacheCluster"),
            "Dynamic": res("AWS::AutoScaling::AutoScalingGroup", MinSize={"Ref": "Min"}),
        }
    )


def test_cost_prices_what_bills_while_idle(costly):
    report = estimate(costly)
    monthly = {line.logical_id: line.monthly for line in report.lines}
    assert monthly == pytest.approx(
        {
            "Nat": 32.85,  # 0.045 * 730
            "Alb": round((ALB + 3 * IPV4) * H, 2),  # the hour + one public IPv4 address per AZ (3 subnets)
            "Nlb": 16.43,  # internal: no public address
            "Ssm": 21.90,  # 3 AZ * 0.01 * 730
            "Inbound": 182.50,  # 2 IPs * 0.125 * 730
            "Lustre": 174.00,  # 1200 GiB * 0.145
            "Asg": 15.18,  # 2 * t3.micro 0.0104 * 730
            "Batch": 124.10,  # 4 vCPU * (c5.large 0.085 / 2) * 730
            "Service": 36.04,  # 2 * (0.5 * 0.04048 + 1 * 0.004445) * 730
            "Acl": 8.00,  # 5 + 3 rules
            "Key": 1.00,
            "Zone": 0.50,
            "Alarm": 0.10,
            "Board": 3.00,
            "Secret": 0.40,
            "Vpn": 36.50,
        },
        abs=0.006,
    )
    assert report.total == pytest.approx(sum(monthly.values()), abs=0.01)


def test_cost_lists_zero_idle_types_with_the_reason(costly):
    idle = estimate(costly).idle_free
    assert idle["AWS::Config::ConfigRule"][1].startswith("usage only ($0.001 per rule evaluation")
    assert idle["AWS::EC2::VPCEndpoint"] == (1, "gateway endpoint: free")
    assert idle["AWS::AutoScaling::AutoScalingGroup"] == (1, "minimum capacity 0: none while idle")
    assert idle["AWS::Shield::Protection"][0] == 1
    assert idle["AWS::Route53Resolver::ResolverQueryLoggingConfig"][1] == "usage only"
    assert {"AWS::EC2::VPC", "AWS::Lambda::Function", "Custom::Thing", "AWS::EC2::LaunchTemplate"} <= set(
        idle
    )


def test_cost_never_fails_on_what_it_does_not_know(costly):
    report = estimate(costly)
    not_costed = {lid: why for lid, _, why in report.not_costed}
    assert not_costed == {
        "Cache": "type not in the price table",
        "Dynamic": "MinSize is resolved at deploy time",
    }
    assert any("$3,000/month" in note for note in report.notes)


def test_cost_of_unpriced_instance_type_and_fsx_type():
    stack = stack_of(
        {
            "Asg": res(
                "AWS::AutoScaling::AutoScalingGroup",
                MinSize=1,
                MixedInstancesPolicy={"LaunchTemplate": {"Overrides": [{"InstanceType": "x9.huge"}]}},
            ),
            "Ontap": res("AWS::FSx::FileSystem", FileSystemType="ONTAP", StorageCapacity=1024),
            "Bad": "not a resource",
        }
    )
    report = estimate(stack)
    assert report.lines == []
    assert [(lid, why) for lid, _, why in report.not_costed] == [
        ("Asg", "minimum capacity 1: instance type x9.huge not in the price table"),
        ("Ontap", "FSx ONTAP not in the price table"),
        ("Bad", "type not in the price table"),
    ]


def _service(desired: int | None, minimum: int | None) -> dict:
    resources = {
        "Task": res("AWS::ECS::TaskDefinition", Cpu="256", Memory="512"),
        "Svc": res(
            "AWS::ECS::Service",
            LaunchType="FARGATE",
            TaskDefinition={"Ref": "Task"},
            **({"DesiredCount": desired} if desired is not None else {}),
        ),
    }
    if minimum is not None:
        resources["Target"] = res(
            "AWS::ApplicationAutoScaling::ScalableTarget",
            MinCapacity=minimum,
            MaxCapacity=10,
            ScalableDimension="ecs:service:DesiredCount",
            ServiceNamespace="ecs",
            ResourceId={
                "Fn::Join": ["", ["service/", {"Ref": "Cluster"}, "/", {"Fn::GetAtt": ["Svc", "Name"]}]]
            },
        )
    return resources


@pytest.mark.parametrize(
    ("desired", "minimum", "tasks"),
    [
        (None, None, 1),  # ECS starts one task when DesiredCount is not set
        (3, None, 3),
        (None, 0, 0),  # scales to zero: nothing while idle
        (1, 0, 1),
        (1, 2, 2),  # the scaling minimum wins over a lower desired count
        (None, 2, 2),
    ],
)
def test_fargate_service_at_max_of_desired_and_scaling_minimum(desired, minimum, tasks):
    report = estimate(stack_of(_service(desired, minimum)))
    monthly = {line.logical_id: line.monthly for line in report.lines}
    if tasks:
        assert monthly == {"Svc": pytest.approx(round(tasks * TASK_QUARTER * H, 2), abs=0.006)}
    else:
        assert monthly == {}
        assert report.idle_free["AWS::ECS::Service"][1].endswith("no task while idle")


def test_auto_scaling_group_at_max_of_desired_and_minimum():
    config = res("AWS::AutoScaling::LaunchConfiguration", InstanceType="t3.micro")
    report = estimate(
        stack_of(
            {
                "Config": config,
                "Asg": res(
                    "AWS::AutoScaling::AutoScalingGroup",
                    MinSize="1",
                    DesiredCapacity="3",
                    LaunchConfigurationName={"Ref": "Config"},
                ),
            }
        )
    )
    assert [(line.logical_id, line.monthly) for line in report.lines] == [
        ("Asg", pytest.approx(round(3 * 0.0104 * H, 2), abs=0.006))
    ]
    assert report.lines[0].basis.startswith("max(desired 3, minimum 1) = 3")


def test_public_ipv4_addresses_are_counted():
    stack = stack_of(
        {
            "Alb": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Subnets=[{"Ref": "A"}, {"Ref": "B"}]),
            "Unknown": res("AWS::ElasticLoadBalancingV2::LoadBalancer", Subnets={"Ref": "SubnetList"}),
            "Nlb": res(
                "AWS::ElasticLoadBalancingV2::LoadBalancer", Type="network", SubnetMappings=[{}, {}, {}]
            ),
            "Host": res(
                "AWS::EC2::Instance",
                InstanceType="t3.micro",
                NetworkInterfaces=[{"AssociatePublicIpAddress": "true"}],
            ),
            "Task": res("AWS::ECS::TaskDefinition", Cpu="256", Memory="512"),
            "Svc": res(
                "AWS::ECS::Service",
                LaunchType="FARGATE",
                DesiredCount=2,
                TaskDefinition={"Ref": "Task"},
                NetworkConfiguration={"AwsvpcConfiguration": {"AssignPublicIp": "ENABLED"}},
            ),
            "NatIp": res("AWS::EC2::EIP"),
        }
    )
    monthly = {line.logical_id: line.monthly for line in estimate(stack).lines}
    assert monthly == pytest.approx(
        {
            "Alb": round((ALB + 2 * IPV4) * H, 2),
            "Unknown": round((ALB + 2 * IPV4) * H, 2),  # an ALB spans at least 2 AZs
            "Nlb": round((0.0225 + 3 * IPV4) * H, 2),
            "Host": round((0.0104 + IPV4) * H, 2),
            "Svc": round(2 * (TASK_QUARTER + IPV4) * H, 2),
            "NatIp": round(IPV4 * H, 2),
        },
        abs=0.006,
    )
