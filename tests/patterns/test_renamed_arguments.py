"""Arguments renamed to the common scheme (memory_mib, min/max_capacity, encryption_key) keep their old
names for one release, with a DeprecationWarning."""

from __future__ import annotations

import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms

from patterns.async_work import QueueWorkerFleet
from patterns.containers import ContainerCluster
from patterns.serverless_web import ApiBackend, StaticSite
from tests.conftest import new_stack, template_of


def test_old_names_warn_and_still_work() -> None:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    with pytest.warns(DeprecationWarning) as caught:
        QueueWorkerFleet(stack, "Fleet", vpc=vpc, memory_limit_mib=1024, max_tasks=7)  # type: ignore[call-arg]
    assert sorted(str(warning.message) for warning in caught) == [
        "QueueWorkerFleet(max_tasks=...) is deprecated: use max_capacity= (max_tasks is removed in 0.2.0)",
        "QueueWorkerFleet(memory_limit_mib=...) is deprecated: use memory_mib= (memory_limit_mib is removed in 0.2.0)",
    ]
    assert {warning.filename for warning in caught} == {__file__}  # attributed to the caller
    with pytest.warns(
        DeprecationWarning, match=r"ContainerCluster\(max_instances=\.\.\.\) is deprecated: use max_capacity="
    ):
        ContainerCluster(
            stack,
            "Cluster",
            vpc=vpc,
            instance_type=ec2.InstanceType("t3.small"),
            max_instances=3,  # type: ignore[call-arg]
        )
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    with pytest.warns(DeprecationWarning, match=r"StaticSite\(bucket_encryption_key=\.\.\.\) is deprecated"):
        StaticSite(stack, "Site", bucket_encryption_key=key)  # type: ignore[call-arg]
    with pytest.warns(DeprecationWarning, match=r"ApiBackend\(table_encryption_key=\.\.\.\) is deprecated"):
        ApiBackend(stack, "Api", domain_prefix="my-app", table_encryption_key=key)  # type: ignore[call-arg]
    template = template_of(stack)
    template.has_resource_properties("AWS::ECS::TaskDefinition", {"Memory": "1024"})
    template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        {"MaxCapacity": 7, "ScalableDimension": "ecs:service:DesiredCount"},
    )
    template.has_resource_properties("AWS::AutoScaling::AutoScalingGroup", {"MaxSize": "3"})
    assert (
        len(
            template.find_resources(
                "AWS::DynamoDB::Table", {"Properties": {"SSESpecification": {"SSEType": "KMS"}}}
            )
        )
        == 1
    )


def test_old_and_new_name_together_is_an_error() -> None:
    stack = new_stack()
    with pytest.raises(
        TypeError, match=r"StaticSite: pass encryption_key= only \(bucket_encryption_key= is its old name\)"
    ):
        key = kms.Key(stack, "Key")
        StaticSite(stack, "Site", encryption_key=key, bucket_encryption_key=key)  # type: ignore[call-arg]
