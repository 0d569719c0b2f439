"""TrainingCluster: AWS Batch with GPU nodes that exist only while a job runs, MPI across nodes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import jsii
from aws_cdk import Duration, Size, Token
from aws_cdk import aws_batch as batch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from .._core import DEFAULT_LOG_RETENTION, Problems, acknowledge, log_group
from .._core.arguments import DeployTimeList, checked_arguments
from .._core.limits import (
    check_batch_fargate_size,
    check_duration,
    check_instance_type,
    check_ordered,
    check_subnets_in_vpc,
)
from ._nag import bucket_objects_finding
from .instance_types import gpu_family_problem, node_of
from .storage import TrainingStorage

DEFAULT_INSTANCE_TYPES = ("g5.12xlarge", "g5.48xlarge", "p4d.24xlarge")
"""EFA-capable NVIDIA types: 4 x A10G, 8 x A10G, 8 x A100."""

MOUNT_POINT = "/fsx"
"""Where the Lustre file system is mounted on each GPU node and in each GPU container."""

MEMORY_PER_VCPU_MIB = 3584
"""Default container memory per vCPU: every GPU type has at least 4 GiB per vCPU; the rest is left to
the OS, the ECS agent and the NVIDIA driver."""

RUNNABLE_REASONS = (
    batch.JobStateTimeLimitActionsReason.INSUFFICIENT_INSTANCE_CAPACITY,
    batch.JobStateTimeLimitActionsReason.COMPUTE_ENVIRONMENT_MAX_RESOURCE,
    batch.JobStateTimeLimitActionsReason.JOB_RESOURCE_REQUIREMENT,
)


BATCH_MIN_MEMORY_MIB = 4
"""The least memory AWS Batch accepts for a container (MiB)."""


@jsii.implements(ec2.IConnectable)
class TrainingCluster(Construct):
    """AWS Batch for deep-learning training: GPU instances start when a job is queued and stop when
    the queue is empty (minimum 0 vCPUs), capped by ``max_vcpus`` as a budget guard.

    - A managed EC2 compute environment of GPU types in one subnet (one AZ), in a cluster placement
      group, launched from a launch template with an EFA network interface, IMDSv2 only, an encrypted
      root volume, the ECS GPU-optimized AMI (Amazon Linux 2023, NVIDIA; SSM parameter resolved at
      deploy time) and user data that installs the EFA driver and mounts the shared Lustre file system.
    - A job queue that cancels jobs stuck RUNNABLE (no capacity, above the vCPU cap, impossible
      requirements) after ``runnable_timeout``; cancelled jobs fail and are reported.
    - Job definitions: multi-node parallel training (MPI/NCCL over EFA, the file system mounted), a
      single-node GPU job, and a Fargate job for preprocessing on its own compute environment and queue.
    - Failed jobs of both queues go to ``alarm_topic`` (EventBridge "Batch Job State Change").
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        training_image: ecs.ContainerImage,
        preprocess_image: ecs.ContainerImage,
        subnet: ec2.ISubnet | None = None,
        storage: TrainingStorage | None = None,
        instance_types: Sequence[str] = DEFAULT_INSTANCE_TYPES,
        max_vcpus: int = 192,
        spot: bool = False,
        efa: bool = True,
        training_instance_type: str | None = None,
        node_count: int = 2,
        main_node: int = 0,
        gpus_per_node: int | None = None,
        node_vcpus: int | None = None,
        node_memory_mib: int | None = None,
        training_command: DeployTimeList | None = None,
        training_environment: Mapping[str, str] | None = None,
        training_timeout: Duration = Duration.days(3),
        gpu_job_gpus: int = 1,
        gpu_job_vcpus: int = 4,
        gpu_job_memory_mib: int = 14336,
        preprocess_vcpus: float = 2,
        preprocess_memory_mib: int = 4096,
        preprocess_max_vcpus: int = 32,
        root_volume_gib: int = 200,
        runnable_timeout: Duration = Duration.hours(4),
        log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
        alarm_topic: sns.ITopic | None = None,
    ) -> None:
        """
        :param vpc: the VPC; nodes go to private subnets with a NAT route (they pull images and talk to
            the ECS and Batch endpoints).
        :param training_image: the GPU container image (PyTorch with NCCL, and the aws-ofi-nccl plugin
            for EFA) of the training and GPU job definitions.
        :param preprocess_image: the CPU container image of the Fargate preprocessing job definition.
        :param subnet: the one subnet of the GPU nodes (a cluster placement group lives in one AZ).
            Default: ``storage.subnet`` when storage is given (same AZ as Lustre), else the VPC's first
            private subnet.
        :param storage: a ``TrainingStorage`` whose Lustre file system is mounted at ``/fsx`` on every
            node and in every GPU container, and whose buckets the jobs may use (data sets: read by
            training, written by preprocessing; models: written by training). Default: no shared file
            system and no bucket access.
        :param instance_types: NVIDIA GPU instance types (see ``instance_types`` for the rule). Default
            g5.12xlarge, g5.48xlarge, p4d.24xlarge.
        :param max_vcpus: the budget cap: vCPUs of all running nodes together; at least one node of
            the largest type. Default 192 (one g5.48xlarge, or four g5.12xlarge).
        :param spot: Spot instances (SPOT_PRICE_CAPACITY_OPTIMIZED) instead of On-Demand
            (BEST_FIT_PROGRESSIVE). Default ``False``. AWS Batch does not run multi-node parallel jobs on
            Spot: with ``spot=True`` no multi-node job definition is created.
        :param efa: an EFA network interface on every node, the EFA driver installed and the device
            passed to the multi-node containers. Default ``True``; every known type must support EFA.
        :param training_instance_type: the one type of the multi-node job's nodes. Default: the first
            of ``instance_types``.
        :param node_count: nodes of the multi-node job, at least 2. Default 2.
        :param main_node: index of the main (rank 0) node. Default 0.
        :param gpus_per_node: GPUs each training container takes. Default: all of the training type's.
        :param node_vcpus: vCPUs each training container takes. Default: all of the training type's
            (required for types outside the table).
        :param node_memory_mib: memory of each training container. Default: 3.5 GiB per vCPU.
        :param training_command: the training command. Default: the image's (override it per job).
        :param training_environment: extra environment of the training containers. Default none.
        :param training_timeout: a training attempt is stopped after this. Default 3 days.
        :param gpu_job_gpus: GPUs of the single-node GPU job definition. Default 1.
        :param gpu_job_vcpus: vCPUs of the single-node GPU job definition. Default 4.
        :param gpu_job_memory_mib: memory of the single-node GPU job definition. Default 14 GiB.
        :param preprocess_vcpus: vCPUs of the Fargate preprocessing job: 0.25, 0.5, 1, 2, 4, 8, 16 or
            32. Default 2.
        :param preprocess_memory_mib: memory of the Fargate preprocessing job, a size AWS Batch offers
            on Fargate with ``preprocess_vcpus`` (``BATCH_FARGATE_SIZES``). Default 4 GiB.
        :param preprocess_max_vcpus: cap of the Fargate compute environment. Default 32.
        :param root_volume_gib: encrypted gp3 root volume of each GPU node (images are large). Default 200.
        :param runnable_timeout: jobs RUNNABLE this long for lack of capacity, above the vCPU cap or with
            requirements no instance meets are cancelled (and reported as failed); 10 min to 24 h.
            Default 4 hours.
        :param log_retention: of the job log group. Default one year.
        :param alarm_topic: SNS topic for failed jobs. Default: the EventBridge rule has no target.
        """
        super().__init__(scope, id)
        types = list(instance_types)
        training_type = training_instance_type or (types[0] if types else "")
        problems = Problems("TrainingCluster")
        problems.require(bool(types), "instance_types", types, "at least one GPU instance type is required")
        for instance_type in types:
            reason = gpu_family_problem(instance_type)
            if problems.require(reason is None, "instance_types", instance_type, reason or ""):
                check_instance_type(problems, "instance_types", instance_type, "g5.12xlarge")
        known = {t: node_of(t) for t in types if gpu_family_problem(t) is None}
        largest = max((n.vcpus for n in known.values() if n is not None), default=0)
        problems.require(
            max_vcpus >= largest,
            "max_vcpus",
            max_vcpus,
            f"below one node of the largest instance type ({largest} vCPUs): it could never start",
        )
        if efa:
            for instance_type, node in known.items():
                if node is not None and not node.efa:
                    problems.add(
                        "instance_types",
                        instance_type,
                        "does not support EFA; choose an EFA type "
                        "(g5.8xlarge and larger, p4d, p5) or pass efa=False",
                    )
        problems.require(
            training_type in types,
            "training_instance_type",
            training_type,
            f"must be one of instance_types {types}",
        )
        problems.at_least("node_count", node_count, 2)
        if not is_number_token(node_count):
            problems.between("main_node", main_node, 0, max(node_count - 1, 0))
        training_node = known.get(training_type)
        vcpus = node_vcpus if node_vcpus is not None else (training_node.vcpus if training_node else None)
        gpus = gpus_per_node if gpus_per_node is not None else (training_node.gpus if training_node else None)
        if training_node is None and training_type in types:
            problems.require(
                node_vcpus is not None and gpus_per_node is not None,
                "training_instance_type",
                training_type,
                "is not in the GPU table: pass node_vcpus and gpus_per_node",
            )
        if training_node is not None:
            problems.between("gpus_per_node", gpus, 1, training_node.gpus)
            problems.between("node_vcpus", vcpus, 1, training_node.vcpus)
            if vcpus is not None and node_count >= 2:
                problems.require(
                    is_number_token(max_vcpus) or node_count * training_node.vcpus <= max_vcpus,
                    "node_count",
                    node_count,
                    f"{node_count} x {training_type} ({training_node.vcpus} vCPUs each) exceeds "
                    f"max_vcpus={max_vcpus}: the job would wait RUNNABLE forever",
                )
        elif gpus_per_node is not None:
            problems.at_least("gpus_per_node", gpus_per_node, 1)
        if node_vcpus is not None and training_node is None:
            problems.at_least("node_vcpus", node_vcpus, 1)
        for name, value in (("node_vcpus", node_vcpus), ("node_memory_mib", node_memory_mib)):
            problems.require_literal(name, value, "each node's container is sized from it")
        problems.at_least("node_memory_mib", node_memory_mib, BATCH_MIN_MEMORY_MIB)
        problems.at_least("gpu_job_gpus", gpu_job_gpus, 1)
        problems.at_least("gpu_job_vcpus", gpu_job_vcpus, 1)
        problems.at_least("gpu_job_memory_mib", gpu_job_memory_mib, BATCH_MIN_MEMORY_MIB)
        check_batch_fargate_size(
            problems,
            preprocess_vcpus,
            preprocess_memory_mib,
            vcpus_argument="preprocess_vcpus",
            memory_argument="preprocess_memory_mib",
        )
        check_ordered(
            problems, "preprocess_vcpus", preprocess_vcpus, "preprocess_max_vcpus", preprocess_max_vcpus
        )
        check_ordered(problems, "gpu_job_vcpus", gpu_job_vcpus, "max_vcpus", max_vcpus)
        check_duration(
            problems,
            "training_timeout",
            training_timeout,
            minimum=Duration.seconds(60),
            why=", the shortest attempt duration AWS Batch accepts",
        )
        check_subnets_in_vpc(problems, "subnet", subnet, vpc)
        if storage is not None:
            check_subnets_in_vpc(problems, "storage", storage.subnet, vpc)
        problems.at_least("root_volume_gib", root_volume_gib, 30)
        problems.between("runnable_timeout (seconds)", runnable_timeout.to_seconds(), 600, 86400)
        problems.raise_if_any()

        self.instance_types = types
        self.storage = storage
        self.subnet = subnet or (storage.subnet if storage is not None else vpc.private_subnets[0])
        self.security_group = ec2.SecurityGroup(
            self,
            "NodeSecurityGroup",
            vpc=vpc,
            allow_all_outbound=True,
            description="GPU nodes: all traffic between nodes (EFA, MPI, NCCL); out to endpoints and images",
        )
        self.security_group.add_ingress_rule(
            self.security_group, ec2.Port.all_traffic(), "EFA/MPI/NCCL between nodes"
        )
        if storage is not None:
            storage.allow_clients(self.security_group)
        self.placement_group = ec2.PlacementGroup(
            self, "PlacementGroup", strategy=ec2.PlacementGroupStrategy.CLUSTER
        )
        self.launch_template = self._launch_template(efa, root_volume_gib)
        self.compute_environment = batch.ManagedEc2EcsComputeEnvironment(
            self,
            "GpuNodes",
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnets=[self.subnet]),
            instance_types=[ec2.InstanceType(t) for t in types],
            use_optimal_instance_classes=False,
            minv_cpus=0,
            maxv_cpus=max_vcpus,
            spot=spot,
            allocation_strategy=(
                batch.AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED
                if spot
                else batch.AllocationStrategy.BEST_FIT_PROGRESSIVE
            ),
            launch_template=self.launch_template,
            placement_group=self.placement_group,
            images=[
                batch.EcsMachineImage(
                    image_type=batch.EcsMachineImageType.ECS_AL2023_NVIDIA,
                    image=ecs.EcsOptimizedImage.amazon_linux2023(ecs.AmiHardwareType.GPU),
                )
            ],
            security_groups=[self.security_group],
        )
        if efa:
            # The security group is on the launch template's EFA interface; EC2 rejects a launch that
            # names security groups both on the instance and on a network interface.
            cfn_ce = self.compute_environment.node.default_child
            assert isinstance(cfn_ce, batch.CfnComputeEnvironment)
            cfn_ce.add_property_deletion_override("ComputeResources.SecurityGroupIds")
        acknowledge(
            self.compute_environment,
            {
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]": "The ECS container-instance policy is what every Batch EC2 node needs to register with ECS; "
                "AWS maintains it as new ECS actions appear.",
            },
        )
        time_limits = [
            batch.JobStateTimeLimitAction(
                max_time=runnable_timeout, reason=reason, action=batch.JobStateTimeLimitActionsAction.CANCEL
            )
            for reason in RUNNABLE_REASONS
        ]
        self.job_queue = batch.JobQueue(
            self,
            "GpuQueue",
            priority=1,
            job_state_time_limit_actions=time_limits,
            compute_environments=[
                batch.OrderedComputeEnvironment(compute_environment=self.compute_environment, order=1)
            ],
        )
        self.preprocess_compute_environment = batch.FargateComputeEnvironment(
            self,
            "PreprocessNodes",
            vpc=vpc,
            maxv_cpus=preprocess_max_vcpus,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        )
        self.preprocess_queue = batch.JobQueue(
            self,
            "PreprocessQueue",
            priority=1,
            compute_environments=[
                batch.OrderedComputeEnvironment(
                    compute_environment=self.preprocess_compute_environment, order=1
                )
            ],
        )

        self.log_group = log_group(self, "JobLogs", retention=log_retention)
        self.job_role = iam.Role(
            self,
            "TrainingJobRole",
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
            description="Training and GPU jobs: read data sets, write models",
        )
        self.preprocess_role = iam.Role(
            self,
            "PreprocessJobRole",
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
            description="Preprocessing jobs: read and write data sets",
        )
        if storage is not None:
            storage.data_set_bucket.grant_read(self.job_role)
            storage.model_bucket.grant_read_write(self.job_role)
            storage.data_set_bucket.grant_read_write(self.preprocess_role)
            for role in (self.job_role, self.preprocess_role):
                acknowledge(
                    role,
                    {
                        "AwsSolutions-IAM5[Action::s3:GetObject*]": "Read access to the objects of the pattern's "
                        "own buckets (grant_read): jobs read any data set or model key.",
                        "AwsSolutions-IAM5[Action::s3:GetBucket*]": "grant_read's bucket-level reads on the "
                        "pattern's own buckets.",
                        "AwsSolutions-IAM5[Action::s3:List*]": "Jobs list the keys of the pattern's own buckets.",
                        "AwsSolutions-IAM5[Action::s3:DeleteObject*]": "grant_read_write: jobs replace their "
                        "own outputs in the pattern's buckets (versioned, so nothing is lost).",
                        "AwsSolutions-IAM5[Action::s3:Abort*]": "grant_read_write: aborting multipart uploads "
                        "of large artifacts in the pattern's own buckets.",
                        **{
                            bucket_objects_finding(b): "Objects of the pattern's buckets: jobs address any "
                            "data set or model key below them."
                            for b in (storage.data_set_bucket, storage.model_bucket)
                            if bucket_objects_finding(b)
                        },
                    },
                )

        environment = {"FSX_MOUNT": MOUNT_POINT, "NCCL_DEBUG": "WARN", **(training_environment or {})}
        if efa:
            environment.setdefault("FI_PROVIDER", "efa")
        volumes = (
            [batch.EcsVolume.host(name="fsx", host_path=MOUNT_POINT, container_path=MOUNT_POINT)]
            if storage
            else []
        )
        logging = ecs.LogDriver.aws_logs(stream_prefix="gpu", log_group=self.log_group)
        memory = node_memory_mib if node_memory_mib is not None else (vcpus or 1) * MEMORY_PER_VCPU_MIB

        self.multi_node_job_definition: batch.MultiNodeJobDefinition | None = None
        if not spot:
            linux = batch.LinuxParameters(
                self, "TrainingLinux", shared_memory_size=Size.mebibytes(memory // 4)
            )
            if efa:
                linux.add_devices(
                    batch.Device(
                        host_path="/dev/infiniband/uverbs0",
                        permissions=[batch.DevicePermission.READ, batch.DevicePermission.WRITE],
                    )
                )
            container = batch.EcsEc2ContainerDefinition(
                self,
                "TrainingContainer",
                image=training_image,
                cpu=vcpus or 1,
                memory=Size.mebibytes(memory),
                gpu=gpus,
                command=list(training_command) if training_command else None,
                environment=environment,
                job_role=self.job_role,
                logging=logging,
                volumes=volumes,
                linux_parameters=linux,
                ulimits=[batch.Ulimit(name=batch.UlimitName.MEMLOCK, soft_limit=-1, hard_limit=-1)],
            )
            self.multi_node_job_definition = batch.MultiNodeJobDefinition(
                self,
                "Training",
                instance_type=ec2.InstanceType(training_type),
                main_node=main_node,
                containers=[
                    batch.MultiNodeContainer(container=container, start_node=0, end_node=node_count - 1)
                ],
                timeout=training_timeout,
                propagate_tags=True,
            )
        self.gpu_job_definition = batch.EcsJobDefinition(
            self,
            "GpuJob",
            container=batch.EcsEc2ContainerDefinition(
                self,
                "GpuContainer",
                image=training_image,
                cpu=gpu_job_vcpus,
                memory=Size.mebibytes(gpu_job_memory_mib),
                gpu=gpu_job_gpus,
                environment={"FSX_MOUNT": MOUNT_POINT, **(training_environment or {})},
                job_role=self.job_role,
                logging=logging,
                volumes=volumes,
            ),
            timeout=training_timeout,
            propagate_tags=True,
        )
        self.preprocess_job_definition = batch.EcsJobDefinition(
            self,
            "Preprocess",
            container=batch.EcsFargateContainerDefinition(
                self,
                "PreprocessContainer",
                image=preprocess_image,
                cpu=preprocess_vcpus,
                memory=Size.mebibytes(preprocess_memory_mib),
                assign_public_ip=False,
                environment={"DATA_SET_BUCKET": storage.data_set_bucket.bucket_name} if storage else None,
                job_role=self.preprocess_role,
                logging=ecs.LogDriver.aws_logs(stream_prefix="preprocess", log_group=self.log_group),
            ),
            timeout=Duration.hours(12),
            propagate_tags=True,
        )

        self.failed_jobs_rule = events.Rule(
            self,
            "FailedJobs",
            description="Batch jobs of the training queues that failed (including jobs cancelled while stuck RUNNABLE)",
            event_pattern=events.EventPattern(
                source=["aws.batch"],
                detail_type=["Batch Job State Change"],
                detail={
                    "status": ["FAILED"],
                    "jobQueue": [self.job_queue.job_queue_arn, self.preprocess_queue.job_queue_arn],
                },
            ),
        )
        if alarm_topic is not None:
            self.failed_jobs_rule.add_target(targets.SnsTopic(alarm_topic))

    def _launch_template(self, efa: bool, root_volume_gib: int) -> ec2.LaunchTemplate:
        """IMDSv2, an encrypted root volume, EFA interface, and user data (MIME multi-part, as Batch
        requires) that installs the EFA driver and mounts Lustre before the ECS agent starts jobs."""
        user_data = ec2.MultipartUserData()
        commands = ec2.UserData.for_linux()
        user_data.add_user_data_part(commands, ec2.MultipartBody.SHELL_SCRIPT, True)
        commands.add_commands("set -euxo pipefail")
        if efa:
            commands.add_commands(
                "curl -fsSL -o /tmp/efa.tar.gz https://efa-installer.amazonaws.com/aws-efa-installer-latest.tar.gz",
                "tar -xf /tmp/efa.tar.gz -C /tmp",
                "(cd /tmp/aws-efa-installer && ./efa_installer.sh -y --minimal)",
            )
        if self.storage is not None:
            fs = self.storage.file_system
            source = f"{fs.dns_name}@tcp:/{fs.mount_name}"
            commands.add_commands(
                "dnf install -y lustre-client",
                f"mkdir -p {MOUNT_POINT}",
                f"echo '{source} {MOUNT_POINT} lustre defaults,relatime,flock,_netdev 0 0' >> /etc/fstab",
                f"mount {MOUNT_POINT}",
            )
        template = ec2.LaunchTemplate(
            self,
            "LaunchTemplate",
            require_imdsv2=True,
            user_data=user_data,
            block_devices=[
                ec2.BlockDevice(
                    device_name="/dev/xvda",
                    volume=ec2.BlockDeviceVolume.ebs(
                        root_volume_gib, encrypted=True, volume_type=ec2.EbsDeviceVolumeType.GP3
                    ),
                )
            ],
        )
        if efa:
            cfn = template.node.default_child
            assert isinstance(cfn, ec2.CfnLaunchTemplate)
            cfn.add_property_override(
                "LaunchTemplateData.NetworkInterfaces",
                [
                    {
                        "DeviceIndex": 0,
                        "NetworkCardIndex": 0,
                        "InterfaceType": "efa",
                        "DeleteOnTermination": True,
                        "Groups": [self.security_group.security_group_id],
                        "Description": "EFA for MPI/NCCL between training nodes",
                    }
                ],
            )
        return template

    # --- what aws-cdk-lib users reach for: grants and connections ----------------------------------
    def grant_submit_job(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` submit jobs of this cluster's job definitions to its two queues
        (``batch:SubmitJob`` on the queues and the definitions, as ``JobDefinition.grant_submit_job``)."""
        definitions: list[batch.IJobDefinition] = [self.gpu_job_definition, self.preprocess_job_definition]
        if self.multi_node_job_definition is not None:
            definitions.append(self.multi_node_job_definition)
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["batch:SubmitJob"],
            resource_arns=[
                self.job_queue.job_queue_arn,
                self.preprocess_queue.job_queue_arn,
                *(definition.job_definition_arn for definition in definitions),
            ],
        )

    @property
    def connections(self) -> ec2.Connections:
        """The GPU nodes' security group (``ec2.IConnectable``): ``database.connections.allow_from(
        cluster, port)``."""
        return ec2.Connections(security_groups=[self.security_group])


def is_number_token(value: object) -> bool:
    return isinstance(value, int | float) and Token.is_unresolved(value)
