"""HPC / deep-learning training: GPU nodes only while training, MPI over EFA, shared Lustre storage,
a workflow that publishes the model to the serving side."""

from .cluster import DEFAULT_INSTANCE_TYPES, MOUNT_POINT, TrainingCluster
from .instance_types import GPU_INSTANCES, gpu_family_problem
from .pipeline import EVENT_DETAIL_TYPE, EVENT_SOURCE, START_REQUEST_SCHEMA, TrainingPipeline
from .slurm import (
    PCLUSTER_VERSION,
    PROVIDER_TEMPLATE_URL,
    SlurmCluster,
    SlurmHeadNode,
    SlurmLustre,
    SlurmQueue,
)
from .storage import TrainingStorage

__all__ = [
    "DEFAULT_INSTANCE_TYPES",
    "EVENT_DETAIL_TYPE",
    "EVENT_SOURCE",
    "GPU_INSTANCES",
    "MOUNT_POINT",
    "PCLUSTER_VERSION",
    "PROVIDER_TEMPLATE_URL",
    "START_REQUEST_SCHEMA",
    "SlurmCluster",
    "SlurmHeadNode",
    "SlurmLustre",
    "SlurmQueue",
    "TrainingCluster",
    "TrainingPipeline",
    "TrainingStorage",
    "gpu_family_problem",
]
