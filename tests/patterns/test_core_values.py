"""The shared value checks of ``patterns._core.limits`` and ``patterns._core.composite``."""

from __future__ import annotations

import pytest
from aws_cdk import App, CfnParameter, Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs

from patterns._core import Problems
from patterns._core.composite import RenamedProblems
from patterns._core.limits import (
    check_batch_fargate_size,
    check_capacity_providers,
    check_cluster_in_vpc,
    check_duration,
    check_fargate_size,
    check_ordered,
    check_subnets_in_vpc,
    different_vpcs,
)


def raised(problems: Problems) -> str:
    with pytest.raises(ValueError) as error:
        problems.raise_if_any()
    return str(error.value)


@pytest.fixture(scope="module")
def stack() -> Stack:
    return Stack(App(), "Core")


@pytest.fixture(scope="module")
def vpcs(stack: Stack) -> tuple[ec2.Vpc, ec2.Vpc]:
    return (
        ec2.Vpc(stack, "First", max_azs=2, nat_gateways=0),
        ec2.Vpc(stack, "Second", max_azs=2, nat_gateways=0),
    )


def test_durations_must_be_longer_than_zero_and_within_bounds() -> None:
    problems = Problems("Test")
    check_duration(problems, "interval", Duration.seconds(0))
    check_duration(
        problems, "attempt", Duration.seconds(30), minimum=Duration.seconds(60), why=", Batch's floor"
    )
    check_duration(problems, "wait", Duration.hours(2), maximum=Duration.hours(1))
    check_duration(problems, "fine", Duration.minutes(5), minimum=Duration.seconds(60))
    check_duration(problems, "half", Duration.millis(500))
    assert raised(problems) == (
        "Test: invalid arguments:\n"
        "  - interval=Duration.seconds(0): must be longer than zero\n"
        "  - attempt=Duration.seconds(30): must be at least 1 minute, Batch's floor\n"
        "  - wait=Duration.seconds(7200): must be at most 1 hour"
    )


def test_token_durations_are_skipped(stack: Stack) -> None:
    problems = Problems("Test")
    seconds = CfnParameter(stack, "Seconds", type="Number").value_as_number
    check_duration(problems, "interval", Duration.seconds(seconds), minimum=Duration.seconds(60))
    check_ordered(problems, "low", seconds, "high", 1)
    assert not problems


def test_a_minimum_above_its_maximum_is_refused() -> None:
    problems = Problems("Test")
    check_ordered(problems, "min_capacity", 5, "max_capacity", 2)
    check_ordered(problems, "min_age", Duration.hours(2), "max_age", Duration.hours(1))
    check_ordered(problems, "equal_low", 3, "equal_high", 3)
    check_ordered(problems, "none_low", None, "high", 3)
    assert raised(problems) == (
        "Test: invalid arguments:\n"
        "  - min_capacity=5: must not exceed max_capacity=2\n"
        "  - min_age=Duration.seconds(7200): must not exceed max_age=Duration.seconds(3600)"
    )


def test_fargate_task_sizes_use_the_callers_argument_names() -> None:
    problems = Problems("Test")
    check_fargate_size(problems, 300, 512, cpu_argument="task_cpu", memory_argument="task_memory")
    check_fargate_size(problems, 256, 4096, memory_argument="memory_limit_mib")
    check_fargate_size(problems, 1024, 1536, memory_argument="memory_limit_mib")
    check_fargate_size(problems, 16384, 32768)
    assert raised(problems) == (
        "Test: invalid arguments:\n"
        "  - task_cpu=300: must be one of 256, 512, 1024, 2048, 4096, 8192, 16384 (Fargate CPU units)\n"
        "  - memory_limit_mib=4096: Fargate offers 512-2048 MiB with cpu=256 (512, 1024, 2048)\n"
        "  - memory_limit_mib=1536: Fargate offers 2048-8192 MiB with cpu=1024 "
        "(in steps of 1024 MiB: 2048, 3072, 4096, 5120...)"
    )


def test_batch_fargate_sizes_follow_the_batch_table() -> None:
    problems = Problems("Test")
    check_batch_fargate_size(problems, 0.25, 512, vcpus_argument="vcpus", memory_argument="memory")
    check_batch_fargate_size(problems, 32, 249856, vcpus_argument="vcpus", memory_argument="memory")
    assert not problems
    check_batch_fargate_size(problems, 3, 4096, vcpus_argument="preprocess_vcpus", memory_argument="memory")
    check_batch_fargate_size(
        problems, 0.5, 512, vcpus_argument="vcpus", memory_argument="preprocess_memory_mib"
    )
    assert raised(problems) == (
        "Test: invalid arguments:\n"
        "  - preprocess_vcpus=3: must be one of 0.25, 0.5, 1, 2, 4, 8, 16, 32 (AWS Batch Fargate vCPUs)\n"
        "  - preprocess_memory_mib=512: AWS Batch on Fargate takes 1024-4096 MiB with vcpus=0.5 "
        "(1024, 2048, 3072, 4096)"
    )


def test_vpcs_are_compared_only_when_known(stack: Stack, vpcs: tuple[ec2.Vpc, ec2.Vpc]) -> None:
    first, second = vpcs
    imported = ec2.Vpc.from_vpc_attributes(
        stack, "Imported", vpc_id="vpc-0123456789abcdef0", availability_zones=["eu-west-1a"]
    )
    other_import = ec2.Vpc.from_vpc_attributes(
        stack, "OtherImport", vpc_id="vpc-0fedcba9876543210", availability_zones=["eu-west-1a"]
    )
    assert different_vpcs(first, second)
    assert not different_vpcs(first, first)
    assert not different_vpcs(first, imported)  # a token id and a literal one: unknown
    assert different_vpcs(imported, other_import)


def test_subnets_and_clusters_of_another_vpc(stack: Stack, vpcs: tuple[ec2.Vpc, ec2.Vpc]) -> None:
    first, second = vpcs
    cluster = ecs.Cluster(stack, "Cluster", vpc=second)
    problems = Problems("Test")
    check_subnets_in_vpc(
        problems, "vpc_subnets", ec2.SubnetSelection(subnets=[second.public_subnets[0]]), first
    )
    check_subnets_in_vpc(problems, "subnet", first.public_subnets[0], first)
    check_cluster_in_vpc(problems, "cluster", cluster, first)
    check_cluster_in_vpc(problems, "same", cluster, second)
    assert raised(problems) == (
        "Test: invalid arguments:\n"
        "  - vpc_subnets='Core/Second/PublicSubnet1': is a subnet of another VPC than vpc; give subnets of vpc\n"
        "  - cluster='Core/Cluster': is a cluster in another VPC than vpc; give a cluster of vpc or omit one"
    )


def test_fargate_spot_needs_the_provider_on_a_known_cluster(
    stack: Stack, vpcs: tuple[ec2.Vpc, ec2.Vpc]
) -> None:
    bare = ecs.Cluster(stack, "Bare", vpc=vpcs[0])
    with_providers = ecs.Cluster(stack, "WithProviders", vpc=vpcs[0], enable_fargate_capacity_providers=True)
    imported = ecs.Cluster.from_cluster_attributes(stack, "ImportedCluster", cluster_name="x", vpc=vpcs[0])
    spot = [ecs.CapacityProviderStrategy(capacity_provider="FARGATE_SPOT", weight=1)]
    problems = Problems("Test")
    check_capacity_providers(problems, "capacity_provider_strategies", spot, with_providers)
    check_capacity_providers(problems, "capacity_provider_strategies", spot, imported)
    assert not problems
    check_capacity_providers(problems, "capacity_provider_strategies", spot, bare)
    assert raised(problems) == (
        "Test: invalid arguments:\n"
        "  - capacity_provider_strategies[0]=CapacityProviderStrategy(capacity_provider='FARGATE_SPOT'): "
        "cluster has no FARGATE_SPOT capacity provider (it has: none); create it with "
        "enable_fargate_capacity_providers=True or use a ContainerCluster"
    )


def test_renamed_problems_record_under_the_callers_names() -> None:
    problems = Problems("Outer")
    inner = RenamedProblems(
        problems, {"domain_prefix": "auth_domain_prefix", "web_acl_arn": "api_web_acl_arn"}
    )
    inner.add("domain_prefix", "AWS", "bad")
    inner.between("web_acl_arn", 0, 1, 2)
    inner.add("identity_providers[0].client_id", "", "empty")
    assert raised(inner) == (
        "Outer: invalid arguments:\n"
        "  - auth_domain_prefix='AWS': bad\n"
        "  - api_web_acl_arn=0: must be between 1 and 2\n"
        "  - identity_providers[0].client_id='': empty"
    )
