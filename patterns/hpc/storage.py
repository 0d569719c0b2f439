"""TrainingStorage: S3 buckets for data sets and models, and FSx for Lustre linked to the data sets."""

from __future__ import annotations

from typing import Any

import jsii
from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_fsx as fsx
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from constructs import Construct

from .._core import Problems, alarm, secure_bucket
from .._core.arguments import checked_arguments
from .._core.limits import check_subnets_in_vpc

DEPLOYMENT_TYPES = {
    "SCRATCH_2": fsx.LustreDeploymentType.SCRATCH_2,
    "PERSISTENT_2": fsx.LustreDeploymentType.PERSISTENT_2,
}
"""The Lustre deployment types this pattern offers (the ``*_1`` types are previous generation)."""

PERSISTENT_2_THROUGHPUTS = (125, 250, 500, 1000)
"""MB/s per TiB that a PERSISTENT_2 (SSD) file system accepts."""

LUSTRE_PORTS = (ec2.Port.tcp(988), ec2.Port.tcp_range(1018, 1023))
"""What Lustre clients and servers talk on."""

AUTO_EVENTS = ["NEW", "CHANGED", "DELETED"]


def lustre_capacity_problem(capacity_gib: int) -> str | None:
    """SCRATCH_2 and PERSISTENT_2 (SSD) take 1200 GiB, or a multiple of 2400 GiB."""
    if capacity_gib == 1200 or (capacity_gib > 0 and capacity_gib % 2400 == 0):
        return None
    return "Lustre (SCRATCH_2, PERSISTENT_2 SSD) takes 1200 GiB or a multiple of 2400 GiB (2400, 4800, ...)"


@jsii.implements(ec2.IConnectable)
class TrainingStorage(Construct):
    """Where training data lives: an S3 bucket of data sets (the durable copy), an S3 bucket of model
    artifacts, and an FSx for Lustre file system in one subnet that presents the data-set bucket as a
    POSIX file system to every GPU node (lazy-loaded on first read, written back to S3).

    PERSISTENT_2 links to the bucket through a data repository association (automatic import and
    export of new, changed and deleted objects). SCRATCH_2 has no association: the bucket is linked
    through the file system's import path (automatic import) and export path (exports run as data
    repository tasks, not automatically). Scratch is cheaper and made for a file system created per
    training campaign; persistent keeps its data on server failure and can be left running.
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        subnet: ec2.ISubnet | None = None,
        deployment_type: str = "SCRATCH_2",
        storage_capacity_gib: int = 1200,
        per_unit_storage_throughput: int = 125,
        data_set_bucket: s3.IBucket | None = None,
        model_bucket: s3.IBucket | None = None,
        data_set_prefix: str = "",
        file_system_path: str = "/data",
        free_capacity_alarm_percent: int = 10,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        file_system_removal_policy: RemovalPolicy | None = None,
        alarm_topic: sns.ITopic | None = None,
    ) -> None:
        """
        :param vpc: the VPC of the file system and of the training nodes.
        :param subnet: the one subnet of the file system (Lustre lives in one AZ; put the GPU nodes in
            the same AZ). Default: the VPC's first private subnet.
        :param deployment_type: ``"SCRATCH_2"`` (default: cheapest, no replication, linked through
            import/export paths) or ``"PERSISTENT_2"`` (replicated, linked through a data repository
            association with automatic import and export).
        :param storage_capacity_gib: 1200 or a multiple of 2400. Default 1200 (the minimum).
        :param per_unit_storage_throughput: PERSISTENT_2 only, MB/s per TiB (125, 250, 500, 1000).
            Default 125, the cheapest.
        :param data_set_bucket: the bucket of data sets. Default: a new versioned, encrypted bucket,
            retained on stack deletion.
        :param model_bucket: the bucket of model artifacts. Default: a new versioned, encrypted bucket,
            retained on stack deletion.
        :param data_set_prefix: the key prefix linked to the file system (``"datasets/"``). Default:
            the whole bucket.
        :param file_system_path: where the bucket appears in the file system (PERSISTENT_2 only; scratch
            links it at the root). Default ``/data``.
        :param free_capacity_alarm_percent: alarm when free space falls below this share of the
            capacity. Default 10.
        :param removal_policy: of the buckets created here (and of the file system unless
            ``file_system_removal_policy`` says otherwise). Default RETAIN.
        :param file_system_removal_policy: of the file system alone, e.g. DESTROY for a scratch file
            system created per training campaign (the data stays in S3). Default: ``removal_policy``.
        :param alarm_topic: SNS topic for the free-capacity alarm. Default: alarm without actions.
        """
        super().__init__(scope, id)
        problems = Problems("TrainingStorage")
        problems.one_of("deployment_type", deployment_type, DEPLOYMENT_TYPES)
        if problems.require_literal(
            "storage_capacity_gib",
            storage_capacity_gib,
            "CDK checks the Lustre size at synthesis and the free-capacity alarm is computed from it",
        ):
            capacity = lustre_capacity_problem(storage_capacity_gib)
            problems.require(capacity is None, "storage_capacity_gib", storage_capacity_gib, capacity or "")
        persistent = deployment_type == "PERSISTENT_2"
        if persistent:
            problems.one_of(
                "per_unit_storage_throughput", per_unit_storage_throughput, PERSISTENT_2_THROUGHPUTS
            )
        problems.require(
            not data_set_prefix.startswith("/"),
            "data_set_prefix",
            data_set_prefix,
            "is an S3 key prefix: no leading '/'",
        )
        problems.require(
            file_system_path.startswith("/") and file_system_path != "/",
            "file_system_path",
            file_system_path,
            "must be an absolute path below the root ('/data')",
        )
        problems.between("free_capacity_alarm_percent", free_capacity_alarm_percent, 1, 99)
        check_subnets_in_vpc(problems, "subnet", subnet, vpc)
        problems.raise_if_any()

        self.deployment_type = deployment_type
        self.data_set_bucket = data_set_bucket or secure_bucket(
            self, "DataSets", removal_policy=removal_policy
        )
        self.model_bucket = model_bucket or secure_bucket(self, "Models", removal_policy=removal_policy)
        self.subnet = subnet or vpc.private_subnets[0]
        self.data_repository_path = f"s3://{self.data_set_bucket.bucket_name}/{data_set_prefix}"

        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            allow_all_outbound=False,
            description="FSx for Lustre: Lustre ports from its clients and between its servers",
        )
        for port in LUSTRE_PORTS:
            self.security_group.add_ingress_rule(self.security_group, port, "Lustre between file servers")
            self.security_group.add_egress_rule(self.security_group, port, "Lustre between file servers")
        scratch_link: dict[str, Any] = {}
        if not persistent:
            scratch_link = {
                "import_path": self.data_repository_path,
                "export_path": self.data_repository_path,
                "auto_import_policy": fsx.LustreAutoImportPolicy.NEW_CHANGED_DELETED,
            }
        self.file_system = fsx.LustreFileSystem(
            self,
            "FileSystem",
            vpc=vpc,
            vpc_subnet=self.subnet,
            storage_capacity_gib=storage_capacity_gib,
            security_group=self.security_group,
            removal_policy=file_system_removal_policy or removal_policy,
            lustre_configuration=fsx.LustreConfiguration(
                deployment_type=DEPLOYMENT_TYPES.get(deployment_type, fsx.LustreDeploymentType.SCRATCH_2),
                per_unit_storage_throughput=per_unit_storage_throughput if persistent else None,
                data_compression_type=fsx.LustreDataCompressionType.LZ4,
                **scratch_link,
            ),
        )
        self.data_repository_association: fsx.CfnDataRepositoryAssociation | None = None
        if persistent:
            self.data_repository_association = fsx.CfnDataRepositoryAssociation(
                self,
                "DataRepository",
                file_system_id=self.file_system.file_system_id,
                file_system_path=file_system_path,
                data_repository_path=self.data_repository_path,
                batch_import_meta_data_on_create=True,
                s3=fsx.CfnDataRepositoryAssociation.S3Property(
                    auto_import_policy=fsx.CfnDataRepositoryAssociation.AutoImportPolicyProperty(
                        events=AUTO_EVENTS
                    ),
                    auto_export_policy=fsx.CfnDataRepositoryAssociation.AutoExportPolicyProperty(
                        events=AUTO_EVENTS
                    ),
                ),
            )
        self.mount_path_of_data = file_system_path if persistent else "/"
        threshold = storage_capacity_gib * 2**30 * free_capacity_alarm_percent / 100
        self.alarms: list[cw.Alarm] = [
            alarm(
                self,
                "FreeCapacityLow",
                metric=self.metric_free_data_storage_capacity(),
                threshold=threshold,
                comparison=cw.ComparisonOperator.LESS_THAN_THRESHOLD,
                evaluation_periods=3,
                description=f"FSx for Lustre free capacity below {free_capacity_alarm_percent}% "
                f"of {storage_capacity_gib} GiB: grow the file system or clean up",
                topic=alarm_topic,
            )
        ]

    def allow_clients(self, clients: ec2.IConnectable) -> None:
        """Let ``clients`` (the training nodes' security group) mount the file system: Lustre ports both
        ways, since LNet connections are opened from either side (lock callbacks come from the servers)."""
        for port in LUSTRE_PORTS:
            self.security_group.connections.allow_from(clients, port, "Lustre clients")
            self.security_group.connections.allow_to(clients, port, "Lustre servers to clients")

    # --- what aws-cdk-lib users reach for: grants, metrics, connections ---------------------------
    def grant_read_data_sets(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` read the data set bucket."""
        return self.data_set_bucket.grant_read(grantee)

    def grant_read_write_data_sets(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` read and write the data set bucket (an ingestion job)."""
        return self.data_set_bucket.grant_read_write(grantee)

    def grant_read_models(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` read the model bucket (a serving service)."""
        return self.model_bucket.grant_read(grantee)

    def grant_read_write_models(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` read and write the model bucket (a training job)."""
        return self.model_bucket.grant_read_write(grantee)

    def metric(self, metric_name: str, **props: Any) -> cw.Metric:
        """An ``AWS/FSx`` metric of the file system (``props``: ``cloudwatch.MetricOptions``)."""
        options: dict[str, Any] = {"period": Duration.minutes(5), "statistic": "Average", **props}
        return cw.Metric(
            namespace="AWS/FSx",
            metric_name=metric_name,
            dimensions_map={"FileSystemId": self.file_system.file_system_id},
            **options,
        )

    def metric_free_data_storage_capacity(self, **props: Any) -> cw.Metric:
        """Free bytes of the file system (Minimum over 5 minutes): what ``FreeCapacityLow`` watches."""
        return self.metric("FreeDataStorageCapacity", **{"statistic": "Minimum", **props})

    @property
    def connections(self) -> ec2.Connections:
        """The file system's security group (``ec2.IConnectable``, default port range TCP 988-1023). To
        mount it, prefer ``allow_clients(clients)``: Lustre needs its ports both ways."""
        return self.file_system.connections
