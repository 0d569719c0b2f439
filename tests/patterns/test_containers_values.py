"""Containers refuse values that cannot work: ECS cluster names ECS rejects or already used, subnets of
another VPC than the cluster's, Fargate Spot on a cluster without that capacity provider."""

from __future__ import annotations

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Match, Template

from patterns.containers import ContainerCluster, ContainerService, MigrationTask

IMAGE = ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:stable")
SPOT = [ecs.CapacityProviderStrategy(capacity_provider="FARGATE_SPOT", weight=1)]


@pytest.fixture(scope="module")
def stack() -> Stack:
    return Stack(App(), "Containers", env=Environment(account="111122223333", region="eu-west-1"))


@pytest.fixture(scope="module")
def vpcs(stack: Stack) -> tuple[ec2.Vpc, ec2.Vpc]:
    return (
        ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1),
        ec2.Vpc(stack, "OtherVpc", max_azs=2, nat_gateways=1),
    )


def test_cluster_names_ecs_rejects_and_subnets_of_another_vpc(
    stack: Stack, vpcs: tuple[ec2.Vpc, ec2.Vpc]
) -> None:
    vpc, other = vpcs
    with pytest.raises(ValueError) as raised:
        ContainerCluster(
            stack,
            "Bad",
            vpc=vpc,
            cluster_name="web cluster",
            instance_type=ec2.InstanceType("t3.medium"),
            vpc_subnets=ec2.SubnetSelection(subnets=[other.private_subnets[0]]),
        )
    assert str(raised.value) == (
        "ContainerCluster: invalid arguments:\n"
        "  - cluster_name='web cluster': must be 1-255 letters, digits, hyphens and underscores (ECS cluster names)\n"
        "  - vpc_subnets='Containers/OtherVpc/PrivateSubnet1': is a subnet of another VPC than vpc; give "
        "subnets of vpc"
    )


def test_the_same_cluster_name_twice_is_refused_naming_the_first(
    stack: Stack, vpcs: tuple[ec2.Vpc, ec2.Vpc]
) -> None:
    ContainerCluster(stack, "Web", vpc=vpcs[0], cluster_name="web")
    with pytest.raises(ValueError) as raised:
        ContainerCluster(stack, "Copy", vpc=vpcs[0], cluster_name="web")
    assert str(raised.value) == (
        "ContainerCluster: invalid arguments:\n"
        "  - cluster_name='web': the ECS cluster 'web' is already used by Containers/Web in the same account "
        "and region; give each construct its own name"
    )


def test_fargate_spot_on_a_cluster_without_the_provider(stack: Stack, vpcs: tuple[ec2.Vpc, ec2.Vpc]) -> None:
    vpc, other = vpcs
    bare = ecs.Cluster(stack, "Bare", vpc=vpc)
    with pytest.raises(ValueError) as raised:
        ContainerService(
            stack,
            "Service",
            cluster=bare,
            image=IMAGE,
            capacity_provider_strategies=SPOT,
            vpc_subnets=ec2.SubnetSelection(subnets=[other.private_subnets[0]]),
        )
    assert str(raised.value) == (
        "ContainerService: invalid arguments:\n"
        "  - capacity_provider_strategies[0]=CapacityProviderStrategy(capacity_provider='FARGATE_SPOT'): "
        "cluster has no FARGATE_SPOT capacity provider (it has: none); create it with "
        "enable_fargate_capacity_providers=True or use a ContainerCluster\n"
        "  - vpc_subnets='Containers/OtherVpc/PrivateSubnet1': is a subnet of another VPC than the cluster's "
        "VPC; give subnets of the cluster's VPC"
    )


def test_fargate_spot_on_a_container_cluster_is_accepted() -> None:
    stack = Stack(App(), "Spot", env=Environment(region="eu-west-1"))
    cluster = ContainerCluster(stack, "Spot", vpc=ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1))
    ContainerService(
        stack, "SpotService", cluster=cluster.cluster, image=IMAGE, capacity_provider_strategies=SPOT
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::ECS::ClusterCapacityProviderAssociations",
        {"CapacityProviders": Match.array_with(["FARGATE_SPOT"])},
    )
    template.has_resource_properties(
        "AWS::ECS::Service",
        {"CapacityProviderStrategy": [{"CapacityProvider": "FARGATE_SPOT", "Weight": 1}]},
    )


def test_migration_subnets_of_another_vpc(stack: Stack, vpcs: tuple[ec2.Vpc, ec2.Vpc]) -> None:
    vpc, other = vpcs
    with pytest.raises(ValueError) as raised:
        MigrationTask(
            stack,
            "Migrate",
            cluster=ecs.Cluster(stack, "MigrationCluster", vpc=vpc),
            image=IMAGE,
            command=["migrate"],
            vpc_subnets=ec2.SubnetSelection(subnets=[other.private_subnets[1]]),
        )
    assert str(raised.value) == (
        "MigrationTask: invalid arguments:\n"
        "  - vpc_subnets='Containers/OtherVpc/PrivateSubnet2': is a subnet of another VPC than the cluster's "
        "VPC; give subnets of the cluster's VPC"
    )
