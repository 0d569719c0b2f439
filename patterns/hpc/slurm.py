"""SlurmCluster: cfncluster's descendant, AWS ParallelCluster 3, managed as a CloudFormation resource.

AWS ParallelCluster publishes a CloudFormation custom resource (since 3.6.0): a provider stack, hosted
by ParallelCluster, whose Lambda function creates, updates and deletes a cluster described by the
``ClusterConfiguration`` property of a ``Custom::PclusterCluster`` resource. This module nests that
provider stack (the published template of a pinned version) and generates the cluster configuration
from typed arguments, validated as data before anything reaches CloudFormation.

References (checked 2026):
- provider stack and template URL:
  https://docs.aws.amazon.com/parallelcluster/latest/ug/cfn-provider-stack.html
- cluster resource: https://docs.aws.amazon.com/parallelcluster/latest/ug/cfn-cluster-resource.html
- configuration file: https://docs.aws.amazon.com/parallelcluster/latest/ug/cluster-configuration-file-v3.html
- name rules: ``pcluster/constants.py`` (``PCLUSTER_NAME_REGEX``, 60 characters) and
  ``pcluster/validators/cluster_validators.py`` (``NameValidator``: queue and compute-resource names
  ``^[a-z][a-z0-9-]*$``, at most 25 characters, not ``default``) in github.com/aws/aws-parallelcluster.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jsii
from aws_cdk import CfnResource, CfnStack, Fn, RemovalPolicy, Stack, Token
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from .._core import Problems
from .._core.arguments import checked_arguments
from .._core.limits import check_instance_type, check_subnets_in_vpc
from .._core.names import claim_name
from .instance_types import _TYPE, gpu_family_problem, node_of
from .storage import DEPLOYMENT_TYPES, PERSISTENT_2_THROUGHPUTS, TrainingStorage, lustre_capacity_problem

PCLUSTER_VERSION = "3.16.1"
"""The ParallelCluster release whose provider template is nested (latest in the user guide's
cfn-provider-stack page, 2026). Changing it updates the provider's Lambda layer: read the release
notes first, and never move a cluster across a major version this way."""

PROVIDER_TEMPLATE_URL = (
    "https://${AWS::Region}-aws-parallelcluster.s3.${AWS::Region}.${AWS::URLSuffix}"
    "/parallelcluster/${Version}/templates/custom_resource/cluster.yaml"
)
"""The published provider template (``Fn::Sub`` pattern of the ParallelCluster documentation)."""

RESOURCE_TYPE = "Custom::PclusterCluster"
SERVICE_TOKEN_OUTPUT = "Outputs.ServiceToken"
"""The provider stack's output that is the custom resource's service token (its Lambda function ARN)."""

OS = "alinux2023"
MOUNT_DIR = "/fsx"
STORAGE_NAME = "fsx"
SSM_POLICY = "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"

CLUSTER_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9-]{0,59}$")
"""ParallelCluster cluster names: a letter, then letters, digits and hyphens; 60 characters at most."""
QUEUE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,24}$")
"""Slurm queue and compute-resource names: a lowercase letter, then lowercase letters, digits and
hyphens; 25 characters at most; ``default`` is reserved."""
FILE_SYSTEM_ID = re.compile(r"^fs-[0-9a-f]{8,21}$")
MAX_QUEUES = 50
MAX_COMPUTE_RESOURCES = 50
RESERVED_MOUNT_DIRS = ("/", "/home", "/opt/slurm", "/opt/parallelcluster", "/opt/intel", "/scratch")


@dataclass(frozen=True)
class SlurmHeadNode:
    """The head node (slurmctld, the login shell through SSM Session Manager; no SSH key, no DCV).

    ``instance_type``: default ``t3.medium`` (enough for slurmctld of a small GPU fleet; ``c5.large``
    for busier clusters). ``subnet``: default the cluster's subnet. ``root_volume_gib``: default
    ParallelCluster's (encrypted gp3).
    """

    instance_type: str = "t3.medium"
    subnet: ec2.ISubnet | None = None
    root_volume_gib: int | None = None


@dataclass(frozen=True)
class SlurmQueue:
    """A Slurm partition. Each instance type becomes one compute resource (``g5.12xlarge`` ->
    ``g5-12xlarge``) scaling between ``min_count`` and ``max_count`` nodes.

    ``gpu``: default True, instance types must be NVIDIA x86 GPU types (the TrainingCluster rule) and
    the queue gets ParallelCluster's GPU health check. ``efa``: default True (EFA on every compute
    resource; the known types must support it). ``placement_group``: default True (a cluster placement
    group, set explicitly as ParallelCluster requires with EFA). ``min_count``: default 0 (nodes only
    while jobs run). ``max_count``: default 2 per instance type. ``spot``: default On-Demand.
    ``subnet``: default the cluster's subnet (one subnet: placement groups and Lustre live in one AZ).
    """

    name: str
    instance_types: Sequence[str] = ("g5.12xlarge",)
    max_count: int = 2
    min_count: int = 0
    gpu: bool = True
    efa: bool = True
    placement_group: bool = True
    spot: bool = False
    subnet: ec2.ISubnet | None = None


@dataclass(frozen=True)
class SlurmLustre:
    """FSx for Lustre mounted at ``mount_dir`` on every node: an existing file system
    (``file_system_id``) or a new one that ParallelCluster creates (``deployment_type``,
    ``storage_capacity_gib``, ``per_unit_storage_throughput``; defaults SCRATCH_2, 1200 GiB, 125 MB/s/TiB
    for PERSISTENT_2). ``import_path``: new file systems only, an ``s3://`` URI lazily imported
    (default: none). Giving an id together with a size, type or import path is an error.
    """

    file_system_id: str | None = None
    deployment_type: str | None = None
    storage_capacity_gib: int | None = None
    per_unit_storage_throughput: int | None = None
    mount_dir: str = MOUNT_DIR
    import_path: str | None = None


def compute_resource_name(instance_type: str) -> str:
    """The compute resource an instance type becomes in a queue: ``g5.12xlarge`` -> ``g5-12xlarge``."""
    return instance_type.replace(".", "-")


def _arm(instance_type: str) -> bool:
    """True for a Graviton type (``c7g.large``, ``t4g.medium``): a ``g`` among the attribute letters."""
    match = _TYPE.match(instance_type)
    return bool(match and "g" in match["attributes"])


@jsii.implements(ec2.IConnectable)
class SlurmCluster(Construct):
    """A Slurm cluster (AWS ParallelCluster 3) as part of this stack: cfncluster's descendant, for
    teams that want ``sbatch``/``srun`` rather than Batch job definitions.

    - ``provider``: the nested provider stack, from the published template of ``PCLUSTER_VERSION``.
    - ``resource``: a ``Custom::PclusterCluster`` whose ``ClusterConfiguration`` is
      ``cluster_configuration``, generated here: Amazon Linux 2023, a head node reached through SSM
      (no SSH key, DCV off, IMDSv2 only, encrypted root volume), Slurm queues that scale from 0
      (EFA, cluster placement group, GPU health checks), optional FSx for Lustre at ``/fsx``.
    - ``security_group``: added to the head node and every queue; the Lustre file system of a
      ``TrainingStorage`` admits it, so Batch and Slurm can share one data set.

    Compute nodes exist only while jobs run (``MinCount`` 0, scale-down after
    ``scaledown_idle_minutes``); the head node runs, and bills, all the time.
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        cluster_name: str,
        queues: Sequence[SlurmQueue],
        head_node: SlurmHeadNode = SlurmHeadNode(),
        subnet: ec2.ISubnet | None = None,
        lustre: SlurmLustre | None = None,
        training_storage: TrainingStorage | None = None,
        scaledown_idle_minutes: int = 10,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        retain_cluster: bool = False,
        version: str = PCLUSTER_VERSION,
    ) -> None:
        """
        :param vpc: the VPC of the cluster (its security group is created there).
        :param cluster_name: the ParallelCluster name (also the name of the stack ParallelCluster
            creates): a letter, then letters, digits, hyphens; at most 60; not this stack's name.
        :param queues: the Slurm queues (at least one; see ``SlurmQueue``).
        :param head_node: default ``SlurmHeadNode()``: t3.medium in the cluster's subnet.
        :param subnet: the subnet of the head node and queues unless they name their own. Default:
            ``training_storage.subnet`` when given, else the VPC's first private subnet.
        :param lustre: shared FSx for Lustre (see ``SlurmLustre``). Default: none, unless
            ``training_storage`` is given.
        :param training_storage: mount this ``TrainingStorage``'s file system at ``/fsx`` (as an
            existing file system) and let the cluster's security group reach it. Default: none.
            Cannot be combined with ``lustre``.
        :param scaledown_idle_minutes: idle compute nodes are terminated after this. Default 10.
        :param removal_policy: of a file system ParallelCluster creates (``DeletionPolicy`` of
            ``FsxLustreSettings``). Default RETAIN.
        :param retain_cluster: keep the cluster when the resource is deleted (the custom resource's
            ``DeletionPolicy``). Default False: deleting the stack deletes the cluster.
        :param version: the ParallelCluster version of the provider stack. Default ``PCLUSTER_VERSION``.
        """
        super().__init__(scope, id)
        problems = Problems("SlurmCluster")
        self._validate(
            problems, cluster_name, queues, head_node, lustre, training_storage, scaledown_idle_minutes
        )
        problems.require(
            bool(re.match(r"^3\.\d+\.\d+$", version)),
            "version",
            version,
            "must be a ParallelCluster 3 release ('3.16.1')",
        )
        problems.conflict("lustre", lustre, "training_storage", training_storage)
        check_subnets_in_vpc(problems, "subnet", subnet, vpc)
        check_subnets_in_vpc(problems, "head_node.subnet", head_node.subnet, vpc)
        for index, queue in enumerate(queues):
            check_subnets_in_vpc(problems, f"queues[{index}].subnet", queue.subnet, vpc)
        if training_storage is not None:
            check_subnets_in_vpc(problems, "training_storage", training_storage.subnet, vpc)
        claim_name(problems, self, "ParallelCluster cluster", "cluster_name", cluster_name)
        problems.raise_if_any()

        self.cluster_name = cluster_name
        self.subnet = subnet or (training_storage.subnet if training_storage else vpc.private_subnets[0])
        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            allow_all_outbound=False,
            description=f"ParallelCluster {cluster_name}: additional group of head and compute nodes",
        )
        if training_storage is not None:
            training_storage.allow_clients(self.security_group)
            lustre = SlurmLustre(file_system_id=training_storage.file_system.file_system_id)

        self.cluster_configuration: dict[str, Any] = self._configuration(
            queues, head_node, lustre, scaledown_idle_minutes, removal_policy
        )
        self.provider = CfnStack(
            self,
            "Provider",
            template_url=Fn.sub(PROVIDER_TEMPLATE_URL, {"Version": version}),
        )
        self.resource = CfnResource(
            self,
            "Resource",
            type=RESOURCE_TYPE,
            properties={
                "ServiceToken": self.provider.get_att(SERVICE_TOKEN_OUTPUT).to_string(),
                "ClusterName": cluster_name,
                "DeletionPolicy": "Retain" if retain_cluster else "Delete",
                "ClusterConfiguration": self.cluster_configuration,
            },
        )
        if training_storage is not None:
            # ParallelCluster's file-system check reads the Lustre security groups when the cluster is
            # created: the rules that admit this cluster (TCP 988 and 1018-1023, both ways) are separate
            # resources, so the cluster waits for them (the whole of both groups' rules).
            self.resource.node.add_dependency(training_storage.security_group, self.security_group)
        self.head_node_private_ip = self.resource.get_att("headNode.privateIpAddress").to_string()
        self.head_node_instance_id = self.resource.get_att("headNode.instanceId").to_string()
        self.validation_messages = self.resource.get_att("validationMessages").to_string()

    # -- validation -------------------------------------------------------------------------------

    def _validate(
        self,
        problems: Problems,
        cluster_name: str,
        queues: Sequence[SlurmQueue],
        head_node: SlurmHeadNode,
        lustre: SlurmLustre | None,
        training_storage: TrainingStorage | None,
        scaledown_idle_minutes: int,
    ) -> None:
        problems.require(
            bool(CLUSTER_NAME.match(cluster_name)),
            "cluster_name",
            cluster_name,
            "must start with a letter and hold only letters, digits and hyphens, 60 characters at most",
        )
        stack_name = Stack.of(self).stack_name
        problems.require(
            Token.is_unresolved(stack_name) or cluster_name != stack_name,
            "cluster_name",
            cluster_name,
            "must differ from the stack's name (ParallelCluster creates a stack of that name)",
        )
        problems.require(len(queues) >= 1, "queues", list(queues), "at least one Slurm queue is required")
        problems.require(
            len(queues) <= MAX_QUEUES,
            "queues",
            f"{len(queues)} queues",
            f"ParallelCluster allows at most {MAX_QUEUES} Slurm queues",
        )
        resources = sum(len(q.instance_types) for q in queues)
        problems.require(
            resources <= MAX_COMPUTE_RESOURCES,
            "queues",
            f"{resources} compute resources",
            f"ParallelCluster allows at most {MAX_COMPUTE_RESOURCES} compute resources per cluster",
        )
        names = [q.name for q in queues]
        for duplicate in sorted({n for n in names if names.count(n) > 1}):
            problems.add("queues", duplicate, "queue names must be unique")
        head_arm = _arm(head_node.instance_type)
        self._instance_type(problems, "head_node.instance_type", head_node.instance_type)
        if head_node.root_volume_gib is not None:
            problems.between("head_node.root_volume_gib", head_node.root_volume_gib, 35, 16384)
        for index, queue in enumerate(queues):
            self._queue(problems, f"queues[{index}]", queue, head_arm)
        if lustre is not None:
            self._lustre(problems, lustre)
        problems.between("scaledown_idle_minutes", scaledown_idle_minutes, 1, 1440)

    @staticmethod
    def _instance_type(problems: Problems, argument: str, instance_type: str) -> bool:
        return problems.require(
            bool(_TYPE.match(instance_type)),
            argument,
            instance_type,
            "not an EC2 instance type name (family, generation, '.', size: 'c5.large')",
        ) and check_instance_type(problems, argument, instance_type, "c5.large")

    def _queue(self, problems: Problems, argument: str, queue: SlurmQueue, head_arm: bool) -> None:
        problems.require(
            bool(QUEUE_NAME.match(queue.name)) and queue.name != "default",
            f"{argument}.name",
            queue.name,
            "must start with a lowercase letter and hold only lowercase letters, digits and hyphens, "
            "25 characters at most, and not be 'default'",
        )
        problems.require(
            len(queue.instance_types) >= 1,
            f"{argument}.instance_types",
            list(queue.instance_types),
            "at least one instance type",
        )
        seen: set[str] = set()
        for instance_type in queue.instance_types:
            name = f"{argument}.instance_types"
            if instance_type in seen:
                problems.add(name, instance_type, "listed twice")
                continue
            seen.add(instance_type)
            if not self._instance_type(problems, name, instance_type):
                continue
            if queue.gpu:
                reason = gpu_family_problem(instance_type)
                problems.require(reason is None, name, instance_type, reason or "")
            if _arm(instance_type) != head_arm:
                problems.add(
                    name,
                    instance_type,
                    "head node and compute nodes must share one CPU architecture (x86_64 or arm64)",
                )
            node = node_of(instance_type)
            if queue.efa and node is not None and not node.efa:
                problems.add(
                    name, instance_type, "does not support EFA: pass efa=False or an EFA-capable size"
                )
        problems.at_least(f"{argument}.min_count", queue.min_count, 0)
        problems.at_least(f"{argument}.max_count", queue.max_count, 1)
        problems.require(
            queue.max_count >= queue.min_count,
            f"{argument}.max_count",
            queue.max_count,
            f"must be at least min_count={queue.min_count}",
        )

    @staticmethod
    def _lustre(problems: Problems, lustre: SlurmLustre) -> None:
        if lustre.file_system_id is not None:
            for option in (
                "deployment_type",
                "storage_capacity_gib",
                "per_unit_storage_throughput",
                "import_path",
            ):
                value = getattr(lustre, option)
                if value is not None:
                    problems.add(
                        f"lustre.{option}",
                        value,
                        f"cannot be combined with lustre.file_system_id={lustre.file_system_id!r} "
                        "(an existing file system keeps its own settings)",
                    )
            problems.require(
                bool(FILE_SYSTEM_ID.match(lustre.file_system_id)),
                "lustre.file_system_id",
                lustre.file_system_id,
                "not an FSx file system id ('fs-0123456789abcdef0')",
            )
        else:
            deployment_type = lustre.deployment_type or "SCRATCH_2"
            problems.one_of("lustre.deployment_type", deployment_type, DEPLOYMENT_TYPES)
            capacity = lustre.storage_capacity_gib or 1200
            reason = lustre_capacity_problem(capacity)
            problems.require(reason is None, "lustre.storage_capacity_gib", capacity, reason or "")
            if deployment_type == "PERSISTENT_2":
                problems.one_of(
                    "lustre.per_unit_storage_throughput",
                    lustre.per_unit_storage_throughput or 125,
                    PERSISTENT_2_THROUGHPUTS,
                )
            elif lustre.per_unit_storage_throughput is not None:
                problems.add(
                    "lustre.per_unit_storage_throughput",
                    lustre.per_unit_storage_throughput,
                    "only PERSISTENT_2 takes a throughput per TiB",
                )
            if lustre.import_path is not None:
                problems.require(
                    lustre.import_path.startswith("s3://"),
                    "lustre.import_path",
                    lustre.import_path,
                    "must be an S3 URI ('s3://bucket/prefix')",
                )
        mount_dir = lustre.mount_dir
        problems.require(
            mount_dir.startswith("/")
            and mount_dir.rstrip("/") not in RESERVED_MOUNT_DIRS
            and mount_dir != "/",
            "lustre.mount_dir",
            mount_dir,
            f"must be an absolute path outside {', '.join(RESERVED_MOUNT_DIRS)}",
        )

    # -- configuration ----------------------------------------------------------------------------

    def _configuration(
        self,
        queues: Sequence[SlurmQueue],
        head_node: SlurmHeadNode,
        lustre: SlurmLustre | None,
        scaledown_idle_minutes: int,
        removal_policy: RemovalPolicy,
    ) -> dict[str, Any]:
        security_groups = [self.security_group.security_group_id]
        root_volume: dict[str, Any] = {"Encrypted": True, "VolumeType": "gp3"}
        if head_node.root_volume_gib is not None:
            root_volume["Size"] = head_node.root_volume_gib
        configuration: dict[str, Any] = {
            "Image": {"Os": OS},
            "HeadNode": {
                "InstanceType": head_node.instance_type,
                "Networking": {
                    "SubnetId": (head_node.subnet or self.subnet).subnet_id,
                    "AdditionalSecurityGroups": security_groups,
                },
                "LocalStorage": {"RootVolume": root_volume},
                "Dcv": {"Enabled": False},
                "Imds": {"Secured": True},
                "Iam": {"AdditionalIamPolicies": [{"Policy": Fn.sub(SSM_POLICY)}]},
            },
            "Scheduling": {
                "Scheduler": "slurm",
                "SlurmSettings": {"ScaledownIdletime": scaledown_idle_minutes},
                "SlurmQueues": [self._queue_configuration(q, security_groups) for q in queues],
            },
            "Imds": {"ImdsSupport": "v2.0"},
            "Tags": [{"Key": "cdp:pattern", "Value": "hpc-slurm"}],
        }
        if lustre is not None:
            configuration["SharedStorage"] = [self._storage_configuration(lustre, removal_policy)]
        return configuration

    def _queue_configuration(self, queue: SlurmQueue, security_groups: list[str]) -> dict[str, Any]:
        resources = []
        for instance_type in queue.instance_types:
            resource: dict[str, Any] = {
                "Name": compute_resource_name(instance_type),
                "InstanceType": instance_type,
                "MinCount": queue.min_count,
                "MaxCount": queue.max_count,
                "Efa": {"Enabled": queue.efa},
            }
            resources.append(resource)
        configuration: dict[str, Any] = {
            "Name": queue.name,
            "CapacityType": "SPOT" if queue.spot else "ONDEMAND",
            "Networking": {
                "SubnetIds": [(queue.subnet or self.subnet).subnet_id],
                "AdditionalSecurityGroups": security_groups,
                "PlacementGroup": {"Enabled": queue.placement_group},
            },
            "ComputeSettings": {"LocalStorage": {"RootVolume": {"Encrypted": True, "VolumeType": "gp3"}}},
            "ComputeResources": resources,
        }
        if queue.gpu:
            configuration["HealthChecks"] = {"Gpu": {"Enabled": True}}
        return configuration

    @staticmethod
    def _storage_configuration(lustre: SlurmLustre, removal_policy: RemovalPolicy) -> dict[str, Any]:
        settings: dict[str, Any]
        if lustre.file_system_id is not None:
            settings = {"FileSystemId": lustre.file_system_id}
        else:
            deployment_type = lustre.deployment_type or "SCRATCH_2"
            settings = {
                "DeploymentType": deployment_type,
                "StorageCapacity": lustre.storage_capacity_gib or 1200,
                "DataCompressionType": "LZ4",
                "DeletionPolicy": "Retain" if removal_policy == RemovalPolicy.RETAIN else "Delete",
            }
            if deployment_type == "PERSISTENT_2":
                settings["PerUnitStorageThroughput"] = lustre.per_unit_storage_throughput or 125
            if lustre.import_path is not None:
                settings["ImportPath"] = lustre.import_path
        return {
            "Name": STORAGE_NAME,
            "StorageType": "FsxLustre",
            "MountDir": lustre.mount_dir,
            "FsxLustreSettings": settings,
        }

    @property
    def connections(self) -> ec2.Connections:
        """The additional security group of the head and compute nodes (``ec2.IConnectable``):
        ``database.connections.allow_from(slurm, port)``."""
        return ec2.Connections(security_groups=[self.security_group])


__all__ = [
    "PCLUSTER_VERSION",
    "PROVIDER_TEMPLATE_URL",
    "SlurmCluster",
    "SlurmHeadNode",
    "SlurmLustre",
    "SlurmQueue",
    "compute_resource_name",
]
