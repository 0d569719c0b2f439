"""Example stack: a container cluster in the secure network, a registry for CI, and nginx behind an
ALB with a migration task run on every deployment (public image: nothing to build)."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from constructs import Construct

from patterns._core import alarm_topic, encrypt_log_groups, service_key
from patterns.containers import ContainerCluster, ContainerRegistry, ContainerService, MigrationTask
from patterns.network import SecureNetwork
from patterns.security import EdgeProtection

from . import context


class ContainerClusterStack(Stack):
    """Context keys (defaults are safe to synthesize and deploy):

    - ``container_image``: the image to run, default ``public.ecr.aws/nginx/nginx:stable``
    - ``container_endpoints``: ``1`` to add the ECR and CloudWatch Logs interface endpoints (tasks pull
      without NAT; about $44/month), default ``0``
    - ``ci_account``: the AWS account whose CI may assume the push role, default this account
    """

    USES_NETWORK = True

    def __init__(self, scope: Construct, id: str, *, network: SecureNetwork, **kwargs: Any) -> None:
        """``network``: the shared network (``-c container_endpoints=1`` on it adds ECR/Logs endpoints)."""
        super().__init__(scope, id, **kwargs)
        key = service_key(self, "OperationsKey", description="Encrypts the alarm topic and the log groups")
        self.alarm_topic = alarm_topic(self, "Alarms", encryption_key=key)
        encrypt_log_groups(self, key)
        self.network = network
        self.cluster = ContainerCluster(self, "Cluster", vpc=self.network.vpc)
        ci_account = context.text(self, "ci_account", "")
        self.registry = ContainerRegistry(
            self,
            "Registry",
            push_principal=iam.AccountPrincipal(ci_account) if ci_account else iam.AccountRootPrincipal(),
        )
        image = ecs.ContainerImage.from_registry(
            context.text(self, "container_image", "public.ecr.aws/nginx/nginx:stable")
        )
        self.migration = MigrationTask(
            self,
            "Migration",
            cluster=self.cluster.cluster,
            image=image,
            command=["sh", "-c", "echo migrate"],
            timeout=Duration.minutes(15),
        )
        self.service = ContainerService(
            self,
            "Web",
            cluster=self.cluster.cluster,
            image=image,
            port=80,
            environment={"APP_ENV": "example"},
            health_check=ecs.HealthCheck(command=["CMD-SHELL", "curl -fs http://localhost/ || exit 1"]),
            min_capacity=1,
            max_capacity=2,
            migration=self.migration,
            alarm_topic=self.alarm_topic,
        )
        # The internet-facing ALB behind the security baseline's WAF (managed rules, rate limit, logs).
        self.edge = EdgeProtection(self, "Edge", scope_type="REGIONAL", alarm_topic=self.alarm_topic)
        self.edge.associate(self.service.load_balancer.load_balancer_arn)
        CfnOutput(self, "Url", value=self.service.url)
        CfnOutput(self, "RepositoryUri", value=self.registry.repository_uri)
        if self.registry.push_role is not None:
            CfnOutput(self, "PushRoleArn", value=self.registry.push_role.role_arn)
