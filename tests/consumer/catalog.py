"""Every public construct with the fewest arguments a user would give, as a user's app would build it.

``CATALOG[name](stack, shared)`` returns the keyword arguments; ``shared`` holds what several
constructs take (a VPC, an ECS cluster, a hosted zone...), built once per stack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_wafv2 as wafv2

import patterns
from patterns.ami import ShellStep
from patterns.hpc import SlurmQueue

IMAGE = "public.ecr.aws/docker/library/busybox:stable"
# Users who follow the security baseline put a WAF in front of every edge (CDP-EdgeHasWaf asks for it).
GLOBAL_ACL = "arn:aws:wafv2:us-east-1:111122223333:global/webacl/edge/0123abcd-0123-4567-89ab-0123456789ab"
REGIONAL_ACL = "arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/api/0123abcd-0123-4567-89ab-0123456789ab"


@dataclass
class Shared:
    stack: Stack
    _vpc: ec2.Vpc | None = None
    _cluster: ecs.Cluster | None = None
    _zone: route53.IHostedZone | None = None
    _training: Any = None
    _group: autoscaling.AutoScalingGroup | None = None

    @property
    def vpc(self) -> ec2.Vpc:
        if self._vpc is None:
            self._vpc = ec2.Vpc(self.stack, "SharedVpc", max_azs=2, nat_gateways=1)
        return self._vpc

    @property
    def cluster(self) -> ecs.Cluster:
        if self._cluster is None:
            self._cluster = ecs.Cluster(
                self.stack, "SharedCluster", vpc=self.vpc, container_insights_v2=ecs.ContainerInsights.ENABLED
            )
        return self._cluster

    @property
    def zone(self) -> route53.IHostedZone:
        if self._zone is None:
            self._zone = route53.PublicHostedZone.from_hosted_zone_attributes(
                self.stack, "SharedZone", hosted_zone_id="Z0123456789ABCDEFGHIJ", zone_name="example.com"
            )
        return self._zone

    @property
    def training_cluster(self) -> Any:
        if self._training is None:
            storage = patterns.TrainingStorage(self.stack, "SharedStorage", vpc=self.vpc)
            self._training = patterns.TrainingCluster(
                self.stack, "SharedTraining", storage=storage, **training_cluster(self)
            )
        return self._training


def training_cluster(shared: Shared) -> dict[str, Any]:
    return {
        "vpc": shared.vpc,
        "training_image": ecs.ContainerImage.from_registry(IMAGE),
        "preprocess_image": ecs.ContainerImage.from_registry(IMAGE),
    }


CATALOG: dict[str, Callable[[Shared], dict[str, Any]]] = {
    "AmiBackupPolicy": lambda s: {"target_tags": {"Backup": "daily"}},
    "ApiBackend": lambda s: {"domain_prefix": f"cdp-{s.stack.node.addr[:10]}"},
    "BeanstalkWorker": lambda s: {
        "vpc": s.vpc,
        "queue": sqs.Queue(
            s.stack,
            f"SharedQueue{len(s.stack.node.children)}",
            encryption=sqs.QueueEncryption.KMS_MANAGED,
            enforce_ssl=True,
        ),
        "environment": {"STAGE": "test"},
        "inactivity_timeout": Duration.seconds(60),
        "visibility_timeout": Duration.seconds(120),
        "max_retries": 5,
        "error_visibility_timeout": Duration.seconds(30),
    },
    "BootstrappedFleet": lambda s: {"vpc": s.vpc, "image_parameter": "/cdp/golden-image/latest"},
    "ComplianceBaseline": lambda s: {},
    "CloudFrontAlarms": lambda s: {},
    "CloudFrontEdge": lambda s: {},
    "ContainerCluster": lambda s: {"vpc": s.vpc},
    "ContainerRegistry": lambda s: {},
    "ContainerService": lambda s: {
        "cluster": s.cluster,
        "image": ecs.ContainerImage.from_registry(IMAGE),
    },
    "EdgeProtection": lambda s: {},
    "GoldenImagePipeline": lambda s: {
        "name": "web",
        "vpc": s.vpc,
        "build_steps": [ShellStep(name="InstallNginx", commands=["dnf install -y nginx"])],
    },
    "HybridDns": lambda s: {
        "vpcs": [s.vpc],
        "cloud_domains": ["cloud.example.internal"],
        "on_premises_cidrs": ["192.168.0.0/16"],
    },
    "ImageRefresh": lambda s: {
        "auto_scaling_group": autoscaling.AutoScalingGroup(
            s.stack,
            f"SharedGroup{len(s.stack.node.children)}",
            vpc=s.vpc,
            launch_template=ec2.LaunchTemplate(
                s.stack,
                f"SharedTemplate{len(s.stack.node.children)}",
                instance_type=ec2.InstanceType("t3.micro"),
                machine_image=ec2.MachineImage.latest_amazon_linux2023(),
                require_imdsv2=True,
            ),
        ),
        "image_parameter_name": "/cdp/golden-image/latest",
    },
    "MigrationTask": lambda s: {
        "cluster": s.cluster,
        "image": ecs.ContainerImage.from_registry(IMAGE),
        "command": ["sh", "-c", "echo migrate"],
    },
    "PollingWorker": lambda s: {},
    "PublicRecord": lambda s: {"zone": s.zone, "record_name": "www", "addresses": ["198.51.100.10"]},
    "QueueWorkerFleet": lambda s: {"vpc": s.vpc},
    "SecureNetwork": lambda s: {},
    "ServerlessWebApp": lambda s: {
        "auth_domain_prefix": f"cdp-{s.stack.node.addr[:10]}",
        "web_acl_arn": GLOBAL_ACL,
    },
    "SlurmCluster": lambda s: {
        "vpc": s.vpc,
        "cluster_name": "training",
        "queues": [SlurmQueue(name="gpu")],
    },
    "SplitHorizonZone": lambda s: {
        "zone_name": "example.com",
        "vpcs": [s.vpc],
        "public_records": {"www": ["198.51.100.10"]},
        "private_records": {"www": ["10.0.0.10"]},
    },
    "StaticSite": lambda s: {"web_acl_arn": GLOBAL_ACL},
    "TrainingCluster": training_cluster,
    "TrainingPipeline": lambda s: {"cluster": s.training_cluster},
    "TrainingStorage": lambda s: {"vpc": s.vpc},
}
"""Public construct name -> its minimal keyword arguments."""


def construct_names() -> list[str]:
    """Every public construct class of the library (the catalog must cover each)."""
    from constructs import Construct

    return sorted(
        name
        for name in patterns.__all__
        if isinstance(getattr(patterns, name), type) and issubclass(getattr(patterns, name), Construct)
    )


def _protect_load_balancer(shared: Shared, service: Any) -> None:
    """What a user does with ``EdgeProtection(...).associate(...)``: a regional web ACL on the ALB."""
    wafv2.CfnWebACLAssociation(
        shared.stack,
        f"SharedWaf{len(shared.stack.node.children)}",
        resource_arn=service.load_balancer.load_balancer_arn,
        web_acl_arn=REGIONAL_ACL,
    )


def _watch_a_distribution(shared: Shared, alarms: Any) -> None:
    """What a user does with ``CloudFrontAlarms``: an alarm on a distribution (imported here)."""
    from aws_cdk import aws_cloudfront as cloudfront

    distribution = cloudfront.Distribution.from_distribution_attributes(
        shared.stack,
        f"SharedDistribution{len(shared.stack.node.children)}",
        distribution_id="E2EXAMPLE0ABCD",
        domain_name="d111111abcdef8.cloudfront.net",
    )
    alarms.add_error_rate_alarm("Site", distribution)


AFTER: dict[str, Callable[[Shared, Any], None]] = {
    "CloudFrontAlarms": _watch_a_distribution,
    "ContainerService": _protect_load_balancer,
}
"""What a user's app adds next to a construct (a WAF association), by construct name."""


SECOND_COPY: dict[str, dict[str, Any]] = {
    "GoldenImagePipeline": {"name": "api"},
    "ApiBackend": {"domain_prefix": "cdp-second-api"},
    "ServerlessWebApp": {"auth_domain_prefix": "cdp-second-web"},
    "SlurmCluster": {"cluster_name": "training-two"},
    # One Config recorder and one Session Manager preferences document per account and region: the
    # second baseline says so (refused otherwise, naming the first: tests/patterns/test_security_singletons.py).
    "ComplianceBaseline": {"create_recorder": False, "session_manager_preferences": False},
}
"""What a user changes for a second instance in the same stack: a name of their own, a singleton off."""


REGION: dict[str, str] = {"CloudFrontAlarms": "us-east-1", "CloudFrontEdge": "us-east-1"}
"""Constructs that only exist in one region (CloudFront's): their stack is there, whatever the app's."""
