"""cdp-patterns: AWS CDK constructs for cloud design patterns, secure by default.

Import the constructs from here (``from patterns import SecureNetwork``) or from their pattern
package (``from patterns.network import SecureNetwork``).
"""

from .ami import AmiBackupPolicy, BootstrappedFleet, GoldenImagePipeline, ShellStep
from .async_work import EngineCost, PollingWorker, QueueWorkerFleet, estimate_monthly_cost
from .checks import CloudDesignPatternChecks
from .containers import ContainerCluster, ContainerRegistry, ContainerService, EfsVolume, MigrationTask
from .dns import HybridDns, PublicRecord, SplitHorizonZone, conditional_forwarders
from .hpc import TrainingCluster, TrainingPipeline, TrainingStorage
from .network import SecureNetwork, SiteToSiteVpn
from .security import ComplianceBaseline, EdgeProtection
from .serverless_web import (
    AmazonLogin,
    ApiBackend,
    AppleLogin,
    FacebookLogin,
    GoogleLogin,
    OidcLogin,
    ServerlessWebApp,
    SiteDomain,
    StaticSite,
)

__all__ = [
    "AmazonLogin",
    "AmiBackupPolicy",
    "ApiBackend",
    "AppleLogin",
    "BootstrappedFleet",
    "CloudDesignPatternChecks",
    "ComplianceBaseline",
    "ContainerCluster",
    "ContainerRegistry",
    "ContainerService",
    "EdgeProtection",
    "EfsVolume",
    "EngineCost",
    "FacebookLogin",
    "GoldenImagePipeline",
    "GoogleLogin",
    "HybridDns",
    "MigrationTask",
    "OidcLogin",
    "PollingWorker",
    "PublicRecord",
    "QueueWorkerFleet",
    "SecureNetwork",
    "ServerlessWebApp",
    "ShellStep",
    "SiteDomain",
    "SiteToSiteVpn",
    "SplitHorizonZone",
    "StaticSite",
    "TrainingCluster",
    "TrainingPipeline",
    "TrainingStorage",
    "conditional_forwarders",
    "estimate_monthly_cost",
]
__version__ = "0.1.0"
