"""The twelve-factor run definition shared by services and one-off tasks: Fargate sizes, ports,
environment (config) apart from secrets, EFS volumes, and the container built from them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_efs as efs
from aws_cdk import aws_logs as logs

from .._core import Problems, acknowledge, is_token
from .._core.environment import SECRET_WORDS as SECRET_WORDS  # re-exported
from .._core.environment import check_environment as check_environment
from .._core.limits import FARGATE_SIZES as FARGATE_SIZES  # re-exported: patterns.containers.FARGATE_SIZES
from .._core.limits import check_fargate_size as check_fargate_size

_ABSOLUTE_PATH = re.compile(r"^/[^\0]*$")


@dataclass(frozen=True)
class EfsVolume:
    """An EFS file system mounted into the container through an access point (which fixes the POSIX
    user and root directory), encrypted in transit, authorized with the task role (IAM)."""

    name: str
    file_system: efs.IFileSystem
    access_point: efs.IAccessPoint
    container_path: str
    read_only: bool = False


def check_ports(problems: Problems, argument: str, port: int | None, additional_ports: Sequence[int]) -> None:
    """``port`` (the load-balanced one, if any) and ``additional_ports``: 1-65535 and distinct."""
    if port is not None:
        problems.between(argument, port, 1, 65535)
    for extra in additional_ports:
        problems.between("additional_ports", extra, 1, 65535)
    ports = [p for p in ([port] if port is not None else []) + list(additional_ports) if not is_token(p)]
    problems.require(
        len(set(ports)) == len(ports),
        "additional_ports",
        list(additional_ports),
        "ports must be distinct (and differ from port)",
    )


def check_volumes(problems: Problems, volumes: Sequence[EfsVolume]) -> None:
    names = [v.name for v in volumes]
    problems.require(len(set(names)) == len(names), "volumes", names, "volume names must be distinct")
    for volume in volumes:
        problems.require(
            bool(re.match(r"^[A-Za-z0-9_-]{1,255}$", volume.name)),
            "volumes.name",
            volume.name,
            "letters, digits, hyphens and underscores only (1-255)",
        )
        if not is_token(volume.container_path):
            problems.require(
                bool(_ABSOLUTE_PATH.match(volume.container_path)) and volume.container_path != "/",
                "volumes.container_path",
                volume.container_path,
                "must be an absolute path other than /",
            )


def check_command(
    problems: Problems, argument: str, command: Sequence[str] | None, *, required: bool
) -> None:
    if command is None:
        problems.require(not required, argument, command, "a command is required")
        return
    if isinstance(command, str):
        problems.add(argument, command, 'must be a list of strings, e.g. ["sh", "-c", "..."]')
        return
    problems.require(len(command) > 0 or not required, argument, list(command), "must not be empty")


def add_app_container(
    task_definition: ecs.TaskDefinition,
    *,
    image: ecs.ContainerImage,
    log_group: logs.ILogGroup,
    stream_prefix: str,
    environment: Mapping[str, str],
    secrets: Mapping[str, ecs.Secret],
    command: Sequence[str] | None,
    ports: Sequence[int],
    health_check: ecs.HealthCheck | None,
    volumes: Sequence[EfsVolume],
    readonly_root_filesystem: bool,
) -> ecs.ContainerDefinition:
    """The one essential container ``app`` of a task, with logs, config, secrets, ports and volumes."""
    container = task_definition.add_container(
        "app",
        image=image,
        logging=ecs.LogDrivers.aws_logs(
            stream_prefix=stream_prefix, log_group=log_group, mode=ecs.AwsLogDriverMode.NON_BLOCKING
        ),
        environment=dict(environment) or None,
        secrets=dict(secrets) or None,
        command=list(command) if command else None,
        health_check=health_check,
        readonly_root_filesystem=readonly_root_filesystem,
        essential=True,
        stop_timeout=Duration.seconds(30),
        port_mappings=[ecs.PortMapping(container_port=p, protocol=ecs.Protocol.TCP) for p in ports] or None,
    )
    for volume in volumes:
        add_efs_volume(task_definition, container, volume)
    if isinstance(image, ecs.EcrImage):
        acknowledge(
            task_definition.obtain_execution_role(),
            {
                "AwsSolutions-IAM5[Resource::*]": "ecr:GetAuthorizationToken (pulling from ECR) has no "
                "resource-level permission; the pull actions themselves are limited to the repository.",
            },
        )
    if environment:
        acknowledge(
            task_definition,
            {
                "AwsSolutions-ECS2": "The environment holds configuration only: names that look like secrets "
                "are refused with a literal value at construction; credentials come through secrets=.",
            },
        )
    return container


def add_efs_volume(
    task_definition: ecs.TaskDefinition, container: ecs.ContainerDefinition, volume: EfsVolume
) -> None:
    task_definition.add_volume(
        name=volume.name,
        efs_volume_configuration=ecs.EfsVolumeConfiguration(
            file_system_id=volume.file_system.file_system_id,
            transit_encryption="ENABLED",
            authorization_config=ecs.AuthorizationConfig(
                access_point_id=volume.access_point.access_point_id, iam="ENABLED"
            ),
        ),
    )
    container.add_mount_points(
        ecs.MountPoint(
            source_volume=volume.name,
            container_path=volume.container_path,
            read_only=volume.read_only,
        )
    )
    actions = (
        ["elasticfilesystem:ClientMount"]
        if volume.read_only
        else ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    )
    volume.file_system.grant(task_definition.task_role, *actions)


def allow_efs_from(volumes: Sequence[EfsVolume], connectable: ec2.IConnectable) -> None:
    """Let the tasks reach each volume's mount targets on NFS (2049)."""
    for volume in volumes:
        volume.file_system.connections.allow_default_port_from(connectable, "NFS from the tasks")
