"""The containers example: the service on the EC2 capacity provider with managed scaling, and a run
definition with environment, a Secrets Manager secret, an EFS volume, ports, command and health check."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Capture, Match, Template

STACK = "CdpContainers"


@pytest.fixture(scope="module")
def template(example_template) -> Template:  # type: ignore[no-untyped-def]
    return example_template(STACK)


def _resources(template: Template, type_: str) -> dict[str, Any]:
    return template.find_resources(type_)


def _web_container(template: Template) -> dict[str, Any]:
    """The service's container (the one with port mappings; the migration task has none)."""
    containers = [
        container
        for definition in _resources(template, "AWS::ECS::TaskDefinition").values()
        for container in definition["Properties"]["ContainerDefinitions"]
        if container.get("PortMappings")
    ]
    assert len(containers) == 1
    return containers[0]


def test_service_runs_on_the_ec2_capacity_provider(template: Template) -> None:
    provider = Capture()
    template.has_resource_properties(
        "AWS::ECS::Service",
        {
            "CapacityProviderStrategy": [{"CapacityProvider": {"Ref": provider}, "Weight": 1}],
            "LaunchType": Match.absent(),
        },
    )
    providers = _resources(template, "AWS::ECS::CapacityProvider")
    assert list(providers) == [provider.as_string()]
    group = providers[provider.as_string()]["Properties"]["AutoScalingGroupProvider"]
    assert group["ManagedScaling"] == {"Status": "ENABLED", "TargetCapacity": 100}
    assert group["ManagedTerminationProtection"] == "ENABLED"


def test_service_waits_for_the_capacity_provider_association(template: Template) -> None:
    (association,) = _resources(template, "AWS::ECS::ClusterCapacityProviderAssociations")
    (service,) = _resources(template, "AWS::ECS::Service").values()
    assert association in service["DependsOn"]


def test_capacity_provider_is_associated_with_the_cluster(template: Template) -> None:
    (provider,) = _resources(template, "AWS::ECS::CapacityProvider")
    template.has_resource_properties(
        "AWS::ECS::ClusterCapacityProviderAssociations",
        {"CapacityProviders": Match.array_with([{"Ref": provider}])},
    )


def test_instances_are_graviton_with_the_arm64_ecs_ami(template: Template) -> None:
    image = Capture()
    template.has_resource_properties(
        "AWS::EC2::LaunchTemplate",
        {
            "LaunchTemplateData": Match.object_like(
                {
                    "InstanceType": "t4g.small",
                    "ImageId": {"Ref": image},
                    "MetadataOptions": Match.object_like({"HttpTokens": "required"}),
                }
            )
        },
    )
    parameter = template.to_json()["Parameters"][image.as_string()]
    assert (
        parameter["Default"] == "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id"
    )
    template.has_resource_properties("AWS::AutoScaling::AutoScalingGroup", {"MinSize": "0", "MaxSize": "2"})


def test_secret_comes_from_secrets_manager(template: Template) -> None:
    container = _web_container(template)
    (secret_id,) = _resources(template, "AWS::SecretsManager::Secret")
    assert container["Secrets"] == [{"Name": "API_TOKEN", "ValueFrom": {"Ref": secret_id}}]
    assert "API_TOKEN" not in {variable["Name"] for variable in container["Environment"]}
    template.has_resource(
        "AWS::SecretsManager::Secret", {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
    )
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
                                "Resource": {"Ref": secret_id},
                            }
                        )
                    ]
                )
            },
            "Roles": [{"Ref": Match.string_like_regexp("WebTaskDefinitionExecutionRole")}],
        },
    )


def test_efs_volume_through_an_access_point_with_tls(template: Template) -> None:
    (file_system,) = _resources(template, "AWS::EFS::FileSystem")
    (access_point,) = _resources(template, "AWS::EFS::AccessPoint")
    template.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        {
            "Volumes": [
                {
                    "Name": "shared",
                    "EFSVolumeConfiguration": {
                        "FilesystemId": {"Ref": file_system},
                        "TransitEncryption": "ENABLED",
                        "AuthorizationConfig": {"AccessPointId": {"Ref": access_point}, "IAM": "ENABLED"},
                    },
                }
            ]
        },
    )
    assert _web_container(template)["MountPoints"] == [
        {"ContainerPath": "/srv/shared", "ReadOnly": False, "SourceVolume": "shared"}
    ]
    template.has_resource_properties(
        "AWS::EFS::AccessPoint",
        {
            "FileSystemId": {"Ref": file_system},
            "PosixUser": {"Uid": "101", "Gid": "101"},
            "RootDirectory": {
                "Path": "/web",
                "CreationInfo": {"OwnerUid": "101", "OwnerGid": "101", "Permissions": "750"},
            },
        },
    )


def test_file_system_is_encrypted_backed_up_and_retained(template: Template) -> None:
    template.has_resource(
        "AWS::EFS::FileSystem",
        {
            "Properties": Match.object_like({"Encrypted": True, "BackupPolicy": {"Status": "ENABLED"}}),
            "DeletionPolicy": "Retain",
        },
    )


def test_task_role_may_mount_and_write_and_tasks_reach_nfs(template: Template) -> None:
    (file_system,) = _resources(template, "AWS::EFS::FileSystem")
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                                "Resource": {"Fn::GetAtt": [file_system, "Arn"]},
                            }
                        )
                    ]
                )
            },
            "Roles": [{"Ref": Match.string_like_regexp("WebTaskDefinitionTaskRole")}],
        },
    )
    template.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        {
            "IpProtocol": "tcp",
            "FromPort": 2049,
            "ToPort": 2049,
            "SourceSecurityGroupId": {
                "Fn::GetAtt": [Match.string_like_regexp("WebServiceSecurityGroup"), "GroupId"]
            },
        },
    )


def test_run_definition_shows_environment_ports_command_and_health_check(template: Template) -> None:
    container = _web_container(template)
    assert container["Environment"] == [
        {"Name": "APP_ENV", "Value": "example"},
        {"Name": "SHARED_DIR", "Value": "/srv/shared"},
    ]
    assert container["PortMappings"] == [
        {"ContainerPort": 80, "Protocol": "tcp"},
        {"ContainerPort": 8080, "Protocol": "tcp"},
    ]
    assert container["Command"] == ["nginx", "-g", "daemon off;"]
    assert container["HealthCheck"] == {
        "Command": ["CMD-SHELL", "curl -fs http://localhost/ || exit 1"],
        "Interval": 30,
        "Timeout": 5,
        "Retries": 3,
        "StartPeriod": 10,
    }


def test_task_definition_runs_on_ec2_and_fargate(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        {"RequiresCompatibilities": ["EC2", "FARGATE"], "NetworkMode": "awsvpc"},
    )
