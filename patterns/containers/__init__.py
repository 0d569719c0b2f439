"""Container cluster: ECS with a registry for CI, twelve-factor run definitions, migrations apart,
safe rollback."""

from .cluster import ContainerCluster
from .migration import MigrationTask
from .registry import ContainerRegistry
from .run_definition import FARGATE_SIZES, EfsVolume
from .service import ContainerService

__all__ = [
    "FARGATE_SIZES",
    "ContainerCluster",
    "ContainerRegistry",
    "ContainerService",
    "EfsVolume",
    "MigrationTask",
]
