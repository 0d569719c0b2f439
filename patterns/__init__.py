"""cdp-patterns: AWS CDK constructs for cloud design patterns, secure by default.

Import the constructs from here (``from patterns import SecureNetwork``) or from their pattern
package (``from patterns.network import SecureNetwork``). Names load on first use, so that tools such
as ``python -m patterns.review`` do not pay for importing aws-cdk-lib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
"""The package version: pyproject.toml reads it from here (the only place it is written)."""

if TYPE_CHECKING:
    from .ami import AmiBackupPolicy, BootstrappedFleet, GoldenImagePipeline, ImageRefresh, ShellStep
    from .async_work import (
        BeanstalkWorker,
        EngineCost,
        PollingWorker,
        QueueWorkerFleet,
        estimate_monthly_cost,
    )
    from .checks import CloudDesignPatternChecks
    from .containers import ContainerCluster, ContainerRegistry, ContainerService, EfsVolume, MigrationTask
    from .dns import HybridDns, PublicRecord, SplitHorizonZone, conditional_forwarders
    from .hpc import (
        SlurmCluster,
        SlurmHeadNode,
        SlurmLustre,
        SlurmQueue,
        TrainingCluster,
        TrainingPipeline,
        TrainingStorage,
    )
    from .network import SecureNetwork, SiteToSiteVpn
    from .security import ComplianceBaseline, EdgeProtection
    from .serverless_web import (
        AmazonLogin,
        ApiBackend,
        AppleLogin,
        CloudFrontAlarms,
        CloudFrontEdge,
        FacebookLogin,
        GoogleLogin,
        OidcLogin,
        ServerlessWebApp,
        SiteDomain,
        StaticSite,
        TwitterLogin,
    )

_EXPORTS: dict[str, str] = {
    "AmazonLogin": "serverless_web",
    "AmiBackupPolicy": "ami",
    "ApiBackend": "serverless_web",
    "AppleLogin": "serverless_web",
    "BeanstalkWorker": "async_work",
    "BootstrappedFleet": "ami",
    "CloudDesignPatternChecks": "checks",
    "CloudFrontAlarms": "serverless_web",
    "CloudFrontEdge": "serverless_web",
    "ComplianceBaseline": "security",
    "ContainerCluster": "containers",
    "ContainerRegistry": "containers",
    "ContainerService": "containers",
    "EdgeProtection": "security",
    "EfsVolume": "containers",
    "EngineCost": "async_work",
    "FacebookLogin": "serverless_web",
    "GoldenImagePipeline": "ami",
    "GoogleLogin": "serverless_web",
    "HybridDns": "dns",
    "ImageRefresh": "ami",
    "MigrationTask": "containers",
    "OidcLogin": "serverless_web",
    "PollingWorker": "async_work",
    "PublicRecord": "dns",
    "QueueWorkerFleet": "async_work",
    "SecureNetwork": "network",
    "ServerlessWebApp": "serverless_web",
    "ShellStep": "ami",
    "SiteDomain": "serverless_web",
    "SlurmCluster": "hpc",
    "SlurmHeadNode": "hpc",
    "SlurmLustre": "hpc",
    "SlurmQueue": "hpc",
    "SiteToSiteVpn": "network",
    "SplitHorizonZone": "dns",
    "StaticSite": "serverless_web",
    "TrainingCluster": "hpc",
    "TrainingPipeline": "hpc",
    "TrainingStorage": "hpc",
    "TwitterLogin": "serverless_web",
    "conditional_forwarders": "dns",
    "estimate_monthly_cost": "async_work",
}
"""Public name -> the pattern package that defines it."""

__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'patterns' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
