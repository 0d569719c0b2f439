"""QueueWorkerFleet and PollingWorker refuse values that cannot work: Fargate sizes Fargate does not
offer, zero durations, a cluster or subnets of another VPC."""

from __future__ import annotations

import pytest
from aws_cdk import App, Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs

from patterns.async_work import PollingWorker, QueueWorkerFleet


@pytest.fixture(scope="module")
def stack() -> Stack:
    return Stack(App(), "Work")


@pytest.fixture(scope="module")
def vpcs(stack: Stack) -> tuple[ec2.Vpc, ec2.Vpc]:
    return (
        ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1),
        ec2.Vpc(stack, "OtherVpc", max_azs=2, nat_gateways=0),
    )


def test_fleet_values_that_cannot_work_are_refused_together(
    stack: Stack, vpcs: tuple[ec2.Vpc, ec2.Vpc]
) -> None:
    vpc, other = vpcs
    with pytest.raises(ValueError) as raised:
        QueueWorkerFleet(
            stack,
            "Fleet",
            vpc=vpc,
            cluster=ecs.Cluster(stack, "OtherCluster", vpc=other),
            vpc_subnets=ec2.SubnetSelection(subnets=[other.public_subnets[0]]),
            cpu=1024,
            memory_mib=1024,
            visibility_timeout=Duration.seconds(0),
        )
    assert str(raised.value) == (
        "QueueWorkerFleet: invalid arguments:\n"
        "  - memory_mib=1024: Fargate offers 2048-8192 MiB with cpu=1024 "
        "(in steps of 1024 MiB: 2048, 3072, 4096, 5120...)\n"
        "  - visibility_timeout=Duration.seconds(0): must be longer than zero\n"
        "  - cluster='Work/OtherCluster': is a cluster in another VPC than vpc; give a cluster of vpc or omit one\n"
        "  - vpc_subnets='Work/OtherVpc/PublicSubnet1': is a subnet of another VPC than vpc; give subnets of vpc"
    )
    assert stack.node.try_find_child("Fleet") is None


def test_polling_worker_refuses_zero_intervals_and_ages(stack: Stack) -> None:
    with pytest.raises(ValueError) as raised:
        PollingWorker(stack, "Poller", poll_interval=Duration.seconds(0), max_message_age=Duration.minutes(0))
    assert str(raised.value) == (
        "PollingWorker: invalid arguments:\n"
        "  - poll_interval=Duration.seconds(0): must be longer than zero\n"
        "  - max_message_age=Duration.seconds(0): must be longer than zero\n"
        "  - max_message_age='0 s': must exceed one delay hop (0 s), or it always alarms"
    )
    with pytest.raises(
        ValueError, match=r"  - poll_interval=Duration.seconds\(0\): must be longer than zero"
    ):
        PollingWorker(stack, "Machine", engine="stepfunctions", poll_interval=Duration.seconds(0))
