"""Example stack: deep-learning training on AWS Batch GPU nodes with Lustre, started through an API."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_ecs as ecs
from constructs import Construct

from patterns._core import alarm_topic, encrypt_log_groups, service_key
from patterns.hpc import SlurmCluster, SlurmQueue, TrainingCluster, TrainingPipeline, TrainingStorage
from patterns.network import SecureNetwork

from . import context

PREPROCESS_IMAGE = "public.ecr.aws/docker/library/python:3.12-slim"


class HpcTrainingStack(Stack):
    """Context keys (defaults are safe to synthesize and cheap while idle):

    - ``hpc_instance_types``: GPU instance types, default ``g5.12xlarge,g5.48xlarge,p4d.24xlarge``
    - ``hpc_max_vcpus``: the budget cap, default ``192``
    - ``hpc_node_count``: nodes of the multi-node training job, default ``2``
    - ``hpc_fsx_deployment_type``: ``SCRATCH_2`` (default, cheapest) or ``PERSISTENT_2`` (data
      repository association with automatic export)
    - ``hpc_fsx_capacity_gib``: default ``1200``
    - ``hpc_training_image``: default ``pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime`` (Docker Hub)
    - ``hpc_preprocess_image``: default ``public.ecr.aws/docker/library/python:3.12-slim``
    - ``hpc_slurm``: also create a ``SlurmCluster`` (AWS ParallelCluster) on the same Lustre file
      system, default ``false`` (its head node bills while idle)
    - ``hpc_slurm_cluster_name``: default ``cdp-hpc-slurm``
    """

    USES_NETWORK = True

    def __init__(self, scope: Construct, id: str, *, network: SecureNetwork, **kwargs: Any) -> None:
        """``network``: the shared network (GPU nodes and the file system sit in its private tier)."""
        super().__init__(scope, id, **kwargs)
        key = service_key(self, "OperationsKey", description="Encrypts the alarm topic and the log groups")
        self.alarm_topic = alarm_topic(self, "Alarms", encryption_key=key)
        self.network = network
        self.storage = TrainingStorage(
            self,
            "Storage",
            vpc=self.network.vpc,
            deployment_type=context.text(self, "hpc_fsx_deployment_type", "SCRATCH_2"),
            storage_capacity_gib=context.number(self, "hpc_fsx_capacity_gib", 1200),
            alarm_topic=self.alarm_topic,
        )
        self.cluster = TrainingCluster(
            self,
            "Cluster",
            vpc=self.network.vpc,
            storage=self.storage,
            instance_types=context.text_list(
                self, "hpc_instance_types", ["g5.12xlarge", "g5.48xlarge", "p4d.24xlarge"]
            ),
            max_vcpus=context.number(self, "hpc_max_vcpus", 192),
            node_count=context.number(self, "hpc_node_count", 2),
            training_image=ecs.ContainerImage.from_registry(
                context.text(self, "hpc_training_image", "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime")
            ),
            preprocess_image=ecs.ContainerImage.from_registry(
                context.text(self, "hpc_preprocess_image", PREPROCESS_IMAGE)
            ),
            alarm_topic=self.alarm_topic,
        )
        self.pipeline = TrainingPipeline(self, "Pipeline", cluster=self.cluster, alarm_topic=self.alarm_topic)
        self.slurm: SlurmCluster | None = None
        if context.flag(self, "hpc_slurm", default=False):
            self.slurm = SlurmCluster(
                self,
                "Slurm",
                vpc=self.network.vpc,
                cluster_name=context.text(self, "hpc_slurm_cluster_name", "cdp-hpc-slurm"),
                queues=[SlurmQueue(name="gpu", instance_types=self.cluster.instance_types)],
                training_storage=self.storage,
            )
            CfnOutput(self, "SlurmHeadNodeInstanceId", value=self.slurm.head_node_instance_id)
        CfnOutput(
            self, "StartRunUrl", value=self.pipeline.api.url_for_path("/runs") if self.pipeline.api else ""
        )
        CfnOutput(self, "CurrentModelParameter", value=self.pipeline.model_parameter.parameter_name)
        CfnOutput(self, "DataSetBucket", value=self.storage.data_set_bucket.bucket_name)
        CfnOutput(self, "ModelBucket", value=self.storage.model_bucket.bucket_name)
        encrypt_log_groups(self, key)  # last: every log group of the stack exists now
