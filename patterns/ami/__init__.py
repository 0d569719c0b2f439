"""AMI maintenance: golden images built on a schedule, AMIs taken of tagged instances, fleets configured at
boot from the newest image, never over SSH."""

from .backup_policy import AmiBackupPolicy
from .bootstrapped_fleet import BootstrappedFleet
from .components import ShellStep
from .cron import cron_problems
from .golden_image_pipeline import AL2023_PARENT_IMAGE, GoldenImagePipeline
from .image_refresh import ImageRefresh

__all__ = [
    "AL2023_PARENT_IMAGE",
    "AmiBackupPolicy",
    "BootstrappedFleet",
    "GoldenImagePipeline",
    "ImageRefresh",
    "ShellStep",
    "cron_problems",
]
