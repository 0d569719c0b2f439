"""ContainerCluster's EC2 capacity: the AMI follows the instance type's architecture; a service on a
capacity provider strategy waits for the provider's association with the cluster."""

from __future__ import annotations

import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Capture, Template

from patterns.containers import ContainerCluster, ContainerService
from patterns.network import SecureNetwork
from tests.conftest import new_stack

ARM_AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id"
X86_AMI = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"


def _ami_parameter(template: Template) -> str:
    image = Capture()
    template.has_resource_properties(
        "AWS::EC2::LaunchTemplate", {"LaunchTemplateData": {"ImageId": {"Ref": image}}}
    )
    return template.to_json()["Parameters"][image.as_string()]["Default"]


@pytest.mark.parametrize(
    ("instance_type", "ami"), [("t4g.small", ARM_AMI), ("m7g.large", ARM_AMI), ("t3.small", X86_AMI)]
)
def test_ami_architecture_follows_the_instance_type(instance_type: str, ami: str) -> None:
    stack = new_stack()
    network = SecureNetwork(stack, "Network")
    ContainerCluster(stack, "Cluster", vpc=network.vpc, instance_type=ec2.InstanceType(instance_type))
    assert _ami_parameter(Template.from_stack(stack)) == ami


@pytest.fixture(scope="module")
def services() -> Template:
    stack = new_stack()
    network = SecureNetwork(stack, "Network")
    cluster = ContainerCluster(stack, "Cluster", vpc=network.vpc, instance_type=ec2.InstanceType("t4g.small"))
    image = ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:stable")
    ContainerService(
        stack,
        "OnEc2",
        cluster=cluster.cluster,
        image=image,
        capacity_provider_strategies=[
            ecs.CapacityProviderStrategy(capacity_provider=cluster.capacity_provider_name, weight=1)  # type: ignore[arg-type]
        ],
    )
    ContainerService(stack, "OnFargate", cluster=cluster.cluster, image=image)
    return Template.from_stack(stack)


def test_service_with_a_strategy_depends_on_the_association(services: Template) -> None:
    (association,) = services.find_resources("AWS::ECS::ClusterCapacityProviderAssociations")
    with_strategy = services.find_resources("AWS::ECS::Service", {"Properties": {"LaunchType": "FARGATE"}})
    assert len(with_strategy) == 1  # the Fargate one
    for logical_id, service in services.find_resources("AWS::ECS::Service").items():
        if "CapacityProviderStrategy" in service["Properties"]:
            assert association in service["DependsOn"], logical_id
        else:
            assert association not in service.get("DependsOn", []), logical_id
