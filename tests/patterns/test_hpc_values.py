"""HPC constructs refuse values that cannot work: Batch attempt durations under 60 s, Fargate job sizes
AWS Batch does not offer, a minimum above its maximum, subnets of another VPC, a ParallelCluster name
already used in the same account and region."""

from __future__ import annotations

import pytest
from aws_cdk import App, Duration, Environment, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs

from patterns.hpc import SlurmCluster, SlurmQueue, TrainingCluster, TrainingPipeline, TrainingStorage

GPU_IMAGE = ecs.ContainerImage.from_registry("pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime")
CPU_IMAGE = ecs.ContainerImage.from_registry("public.ecr.aws/docker/library/python:3.12-slim")


@pytest.fixture(scope="module")
def stack() -> Stack:
    return Stack(App(), "Hpc", env=Environment(account="111122223333", region="us-east-1"))


@pytest.fixture(scope="module")
def vpcs(stack: Stack) -> tuple[ec2.Vpc, ec2.Vpc]:
    return (
        ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1),
        ec2.Vpc(stack, "OtherVpc", max_azs=2, nat_gateways=1),
    )


def test_training_cluster_values_that_cannot_work(stack: Stack, vpcs: tuple[ec2.Vpc, ec2.Vpc]) -> None:
    vpc, other = vpcs
    with pytest.raises(ValueError) as raised:
        TrainingCluster(
            stack,
            "Bad",
            vpc=vpc,
            training_image=GPU_IMAGE,
            preprocess_image=CPU_IMAGE,
            subnet=other.private_subnets[0],
            training_timeout=Duration.seconds(30),
            preprocess_vcpus=4,
            preprocess_memory_mib=4096,
            preprocess_max_vcpus=2,
            gpu_job_vcpus=256,
        )
    assert str(raised.value) == (
        "TrainingCluster: invalid arguments:\n"
        "  - preprocess_memory_mib=4096: AWS Batch on Fargate takes 8192-30720 MiB with preprocess_vcpus=4 "
        "(in steps of 1024 MiB: 8192, 9216, 10240, 11264...)\n"
        "  - preprocess_vcpus=4: must not exceed preprocess_max_vcpus=2\n"
        "  - gpu_job_vcpus=256: must not exceed max_vcpus=192\n"
        "  - training_timeout=Duration.seconds(30): must be at least 1 minute, the shortest attempt duration "
        "AWS Batch accepts\n"
        "  - subnet='Hpc/OtherVpc/PrivateSubnet1': is a subnet of another VPC than vpc; give subnets of vpc"
    )


def test_storage_of_another_vpc(stack: Stack, vpcs: tuple[ec2.Vpc, ec2.Vpc]) -> None:
    vpc, other = vpcs
    with pytest.raises(ValueError) as raised:
        TrainingStorage(stack, "Storage", vpc=vpc, subnet=other.private_subnets[1])
    assert str(raised.value) == (
        "TrainingStorage: invalid arguments:\n"
        "  - subnet='Hpc/OtherVpc/PrivateSubnet2': is a subnet of another VPC than vpc; give subnets of vpc"
    )


def test_a_zero_pipeline_timeout_is_refused(stack: Stack, vpcs: tuple[ec2.Vpc, ec2.Vpc]) -> None:
    storage = TrainingStorage(stack, "GoodStorage", vpc=vpcs[0])
    training = TrainingCluster(
        stack, "Good", vpc=vpcs[0], training_image=GPU_IMAGE, preprocess_image=CPU_IMAGE, storage=storage
    )
    with pytest.raises(ValueError) as raised:
        TrainingPipeline(stack, "Pipeline", cluster=training, timeout=Duration.minutes(0))
    assert str(raised.value) == (
        "TrainingPipeline: invalid arguments:\n  - timeout=Duration.seconds(0): must be longer than zero"
    )


def test_slurm_cluster_name_twice_and_subnets_of_another_vpc(
    stack: Stack, vpcs: tuple[ec2.Vpc, ec2.Vpc]
) -> None:
    vpc, other = vpcs
    SlurmCluster(stack, "Slurm", vpc=vpc, cluster_name="training", queues=[SlurmQueue(name="gpu")])
    with pytest.raises(ValueError) as raised:
        SlurmCluster(
            stack,
            "Copy",
            vpc=vpc,
            cluster_name="training",
            queues=[SlurmQueue(name="gpu", subnet=other.private_subnets[0])],
        )
    assert str(raised.value) == (
        "SlurmCluster: invalid arguments:\n"
        "  - queues[0].subnet='Hpc/OtherVpc/PrivateSubnet1': is a subnet of another VPC than vpc; give "
        "subnets of vpc\n"
        "  - cluster_name='training': the ParallelCluster cluster 'training' is already used by Hpc/Slurm in "
        "the same account and region; give each construct its own name"
    )


def test_memory_and_vcpus_below_what_batch_accepts_are_refused() -> None:
    from tests.consumer.catalog import CATALOG, Shared

    stack = Stack(App(), "Hpc")
    with pytest.raises(ValueError) as raised:
        TrainingCluster(
            stack,
            "Training",
            **{
                **CATALOG["TrainingCluster"](Shared(stack)),
                "node_memory_mib": -1_099_511_627_776,
                "gpu_job_vcpus": 0,
                "gpu_job_memory_mib": 3,
            },
        )
    assert str(raised.value) == (
        "TrainingCluster: invalid arguments:\n"
        "  - node_memory_mib=-1099511627776: must be at least 4\n"
        "  - gpu_job_vcpus=0: must be at least 1\n"
        "  - gpu_job_memory_mib=3: must be at least 4"
    )


@pytest.mark.parametrize("name", ["", "/ml//model", "/aws/model", "ssm-model", "model name", "/ml/model/"])
def test_a_model_parameter_name_ssm_refuses_is_refused(name: str) -> None:
    from tests.consumer.catalog import CATALOG, Shared

    stack = Stack(App(), "Hpc")
    with pytest.raises(ValueError) as raised:
        TrainingPipeline(
            stack, "Pipeline", **{**CATALOG["TrainingPipeline"](Shared(stack)), "model_parameter_name": name}
        )
    assert str(raised.value) == (
        "TrainingPipeline: invalid arguments:\n"
        f"  - model_parameter_name={name!r}: an SSM parameter name holds letters, digits and _ . - (1011 at "
        "most), in /-led segments (/ml/model), not starting with aws or ssm"
    )


def test_a_model_parameter_name_ssm_accepts_is_used() -> None:
    from aws_cdk.assertions import Template

    from tests.consumer.catalog import CATALOG, Shared

    stack = Stack(App(), "Hpc")
    TrainingPipeline(
        stack,
        "Pipeline",
        **{**CATALOG["TrainingPipeline"](Shared(stack)), "model_parameter_name": "/ml/model-v2"},
    )
    Template.from_stack(stack).has_resource_properties("AWS::SSM::Parameter", {"Name": "/ml/model-v2"})
