"""Example stack: a container cluster in the secure network, a registry for CI, and nginx behind an
ALB with a migration task run on every deployment (public image: nothing to build).

The service runs on the cluster's EC2 capacity provider, whose managed scaling adds instances as the
reservation rises, and its run definition shows the whole twelve-factor set: environment, a secret
from Secrets Manager, an EFS volume mounted through an access point, ports, command and health check."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_efs as efs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from patterns._core import acknowledge, alarm_topic, encrypt_log_groups, service_key
from patterns.containers import (
    ContainerCluster,
    ContainerRegistry,
    ContainerService,
    EfsVolume,
    MigrationTask,
)
from patterns.network import SecureNetwork
from patterns.security import EdgeProtection

from . import context


class ContainerClusterStack(Stack):
    """Context keys (defaults are safe to synthesize and deploy):

    - ``container_image``: the image to run, default ``public.ecr.aws/nginx/nginx:stable``
    - ``container_endpoints``: ``1`` to add the ECR and CloudWatch Logs interface endpoints (tasks pull
      without NAT; about $44/month), default ``0``
    - ``ci_account``: the AWS account whose CI may assume the push role, default this account
    - ``instance_type``: the EC2 capacity's instance type, default ``t4g.small`` (Graviton, arm64 AMI)
    - ``max_instances``: most EC2 instances managed scaling may add, default ``2``
    """

    USES_NETWORK = True

    def __init__(self, scope: Construct, id: str, *, network: SecureNetwork, **kwargs: Any) -> None:
        """``network``: the shared network (``-c container_endpoints=1`` on it adds ECR/Logs endpoints)."""
        super().__init__(scope, id, **kwargs)
        key = service_key(self, "OperationsKey", description="Encrypts the alarm topic and the log groups")
        self.alarm_topic = alarm_topic(self, "Alarms", encryption_key=key)
        self.network = network
        # EC2 capacity: managed scaling keeps the instances' reservation at 100 % by adding instances
        # as tasks reserve CPU and memory (and removing them when empty). Fargate stays available.
        self.cluster = ContainerCluster(
            self,
            "Cluster",
            vpc=self.network.vpc,
            instance_type=ec2.InstanceType(context.text(self, "instance_type", "t4g.small")),
            max_capacity=context.number(self, "max_instances", 2),
            alarm_topic=self.alarm_topic,
        )
        # A credential read by the tasks at start (never in the task definition's text).
        self.api_token = secretsmanager.Secret(
            self,
            "ApiToken",
            description="Example application credential, injected into the tasks as API_TOKEN",
            generate_secret_string=secretsmanager.SecretStringGenerator(exclude_punctuation=True),
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(
            self.api_token,
            {
                "AwsSolutions-SMG4": "An example credential with no system behind it to rotate against; a real "
                "application adds a rotation schedule (secret.add_rotation_schedule) for its own secret.",
            },
        )
        # Shared files: encrypted EFS (retained), mounted through an access point that fixes the POSIX
        # user and the root directory; the mount uses TLS and the task role (IAM authorization).
        self.file_system = efs.FileSystem(
            self,
            "SharedFiles",
            vpc=self.network.vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            encrypted=True,
            enable_automatic_backups=True,
            performance_mode=efs.PerformanceMode.GENERAL_PURPOSE,
            throughput_mode=efs.ThroughputMode.ELASTIC,
        )
        self.access_point = self.file_system.add_access_point(
            "WebData",
            path="/web",
            posix_user=efs.PosixUser(uid="101", gid="101"),  # nginx's user in the image
            create_acl=efs.Acl(owner_uid="101", owner_gid="101", permissions="750"),
        )
        shared = EfsVolume(
            name="shared",
            file_system=self.file_system,
            access_point=self.access_point,
            container_path="/srv/shared",
        )
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
            additional_ports=[8080],
            environment={"APP_ENV": "example", "SHARED_DIR": "/srv/shared"},
            secrets={"API_TOKEN": ecs.Secret.from_secrets_manager(self.api_token)},
            volumes=[shared],
            command=["nginx", "-g", "daemon off;"],
            health_check=ecs.HealthCheck(
                command=["CMD-SHELL", "curl -fs http://localhost/ || exit 1"],
                interval=Duration.seconds(30),
                timeout=Duration.seconds(5),
                retries=3,
                start_period=Duration.seconds(10),
            ),
            capacity_provider_strategies=[
                ecs.CapacityProviderStrategy(
                    capacity_provider=self.cluster.capacity_provider_name,  # type: ignore[arg-type]
                    weight=1,
                )
            ],
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
        CfnOutput(self, "CapacityProvider", value=self.cluster.capacity_provider_name or "")
        CfnOutput(self, "FileSystemId", value=self.file_system.file_system_id)
        if self.registry.push_role is not None:
            CfnOutput(self, "PushRoleArn", value=self.registry.push_role.role_arn)
        encrypt_log_groups(self, key)  # last: every log group of the stack exists now
