"""ContainerService: a twelve-factor run definition, scaled out behind an ALB, with safe rollback."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jsii
from aws_cdk import Duration, Names, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from constructs import Construct

from .._core import DEFAULT_LOG_RETENTION, Problems, acknowledge, alarm, is_token, secure_bucket
from .._core import log_group as new_log_group
from .._core.arguments import DeployTimeList, checked_arguments
from .._core.limits import check_capacity_providers, check_subnets_in_vpc, cluster_vpc
from .migration import MigrationTask
from .run_definition import (
    EfsVolume,
    add_app_container,
    allow_efs_from,
    check_command,
    check_environment,
    check_fargate_size,
    check_ports,
    check_volumes,
)


@jsii.implements(ec2.IConnectable)
class ContainerService(Construct):
    """The run definition of one application (image, config in the environment, secrets, volumes,
    ports, command, health check, size, logs) running as an ECS service behind an Application Load
    Balancer, scaled on CPU and on requests per target.

    Deployments roll back by themselves: the deployment circuit breaker (tasks that never get
    healthy) and CloudWatch alarms on unhealthy targets and the 5xx rate (``deployment_alarms``).
    With ``migration``, the one-off migration task runs to completion before the service updates.
    """

    @checked_arguments
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster: ecs.ICluster,
        image: ecs.ContainerImage,
        port: int = 80,
        additional_ports: Sequence[int] = (),
        environment: Mapping[str, str] | None = None,
        secrets: Mapping[str, ecs.Secret] | None = None,
        command: DeployTimeList | None = None,
        health_check: ecs.HealthCheck | None = None,
        volumes: Sequence[EfsVolume] = (),
        cpu: int = 256,
        memory_mib: int = 512,
        readonly_root_filesystem: bool = False,
        log_group: logs.ILogGroup | None = None,
        log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
        certificate: acm.ICertificate | None = None,
        internet_facing: bool = True,
        health_check_path: str = "/",
        access_logs_bucket: s3.IBucket | None = None,
        min_capacity: int = 2,
        max_capacity: int = 4,
        cpu_target_percent: int = 70,
        requests_per_target: int | None = 1000,
        capacity_provider_strategies: Sequence[ecs.CapacityProviderStrategy] | None = None,
        vpc_subnets: ec2.SubnetSelection | None = None,
        migration: MigrationTask | None = None,
        error_rate_percent: float = 5,
        alarm_topic: sns.ITopic | None = None,
    ) -> None:
        """
        :param cluster: the ECS cluster (e.g. ``ContainerCluster(...).cluster``); its VPC is used.
        :param image: the image, e.g. ``registry.image("v1.2.3")`` or ``ecs.ContainerImage.from_registry(...)``.
        :param port: the container port the load balancer forwards to (1-65535). Default 80.
        :param additional_ports: more container ports to map (not behind the load balancer). Default none.
        :param environment: configuration as environment variables. Default none. Names containing
            PASSWORD, SECRET, TOKEN or KEY with a literal value are refused: use ``secrets``.
        :param secrets: variables read at task start from SSM Parameter Store or Secrets Manager
            (``ecs.Secret``). Default none.
        :param command: the command to run. Default: the image's own.
        :param health_check: a container health check. Default: none (the load balancer checks).
        :param volumes: EFS volumes (``EfsVolume``) mounted through access points, TLS and IAM.
            Default none: the task has only ephemeral storage.
        :param cpu: task CPU units (256 = 1/4 vCPU). Default 256.
        :param memory_mib: task memory, a size Fargate offers with ``cpu``. Default 512.
        :param readonly_root_filesystem: mount the container's root file system read-only. Default
            ``False`` (many images, nginx included, write to their root file system).
        :param log_group: where the container's output goes (awslogs driver). Default: a new log group
            with ``log_retention``, retained on stack deletion.
        :param log_retention: retention of the new log group. Default one year.
        :param certificate: serve HTTPS on 443 with this certificate (TLS 1.2+ policy) and redirect
            HTTP to HTTPS. Default: HTTP on port 80 only (for examples; give a certificate for real use).
        :param internet_facing: an internet-facing load balancer in the public subnets. Default
            ``True``; ``False``: an internal one in the private subnets, reachable from the VPC.
        :param health_check_path: the path the load balancer checks. Default ``/``.
        :param access_logs_bucket: where the load balancer's access logs go (SSE-S3 only; ALB cannot
            write to SSE-KMS buckets). Default: a new secure bucket, retained.
        :param min_capacity: fewest tasks. Default 2 (one per AZ).
        :param max_capacity: most tasks. Default 4.
        :param cpu_target_percent: target tracking on the service's average CPU. Default 70.
        :param requests_per_target: target tracking on requests per task per minute. Default 1000;
            ``None`` scales on CPU only.
        :param capacity_provider_strategies: e.g. Fargate Spot, or the cluster's EC2 capacity provider.
            Default: the Fargate launch type.
        :param vpc_subnets: where the tasks run. Default: the private subnets with egress.
        :param migration: a ``MigrationTask`` that must succeed before the service is created or
            updated. Default: none.
        :param error_rate_percent: the 5xx rate (% of requests) that raises the alarm and rolls a
            deployment back. Default 5.
        :param alarm_topic: SNS topic for the alarms and failed-deployment events. Default: alarms
            without actions, no event rule.
        """
        super().__init__(scope, id)
        environment = dict(environment or {})
        secrets = dict(secrets or {})
        problems = Problems("ContainerService")
        problems.require_literal("cpu", cpu, "the containers' shares of the task are set from it")
        check_fargate_size(problems, cpu, memory_mib)
        check_ports(problems, "port", port, additional_ports)
        check_environment(problems, environment, secrets)
        check_volumes(problems, volumes)
        check_command(problems, "command", command, required=False)
        problems.at_least("min_capacity", min_capacity, 1)
        problems.at_least("max_capacity", max_capacity, 1)
        if not is_token(min_capacity) and not is_token(max_capacity) and min_capacity > max_capacity:
            problems.add("min_capacity", min_capacity, f"must not exceed max_capacity={max_capacity}")
        problems.between("cpu_target_percent", cpu_target_percent, 10, 95)
        if requests_per_target is not None:
            problems.at_least("requests_per_target", requests_per_target, 1)
        problems.require(
            0 < error_rate_percent <= 100,
            "error_rate_percent",
            error_rate_percent,
            "must be above 0 and at most 100",
        )
        problems.require(
            health_check_path.startswith("/"), "health_check_path", health_check_path, "must start with /"
        )
        check_capacity_providers(
            problems, "capacity_provider_strategies", capacity_provider_strategies, cluster
        )
        check_subnets_in_vpc(problems, "vpc_subnets", vpc_subnets, cluster_vpc(cluster), "the cluster's VPC")
        problems.raise_if_any()

        vpc = cluster.vpc
        self.log_group = log_group or new_log_group(self, "Logs", retention=log_retention)
        self.task_definition = ecs.TaskDefinition(
            self,
            "TaskDefinition",
            compatibility=ecs.Compatibility.EC2_AND_FARGATE,
            network_mode=ecs.NetworkMode.AWS_VPC,
            cpu=str(cpu),
            memory_mib=str(memory_mib),
        )
        self.container = add_app_container(
            self.task_definition,
            image=image,
            log_group=self.log_group,
            stream_prefix="app",
            environment=environment,
            secrets=secrets,
            command=command,
            ports=[port, *additional_ports],
            health_check=health_check,
            volumes=volumes,
            readonly_root_filesystem=readonly_root_filesystem,
        )
        self.service = ecs.FargateService(
            self,
            "Service",
            cluster=cluster,
            task_definition=self.task_definition,
            vpc_subnets=vpc_subnets or ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            assign_public_ip=False,
            capacity_provider_strategies=list(capacity_provider_strategies)
            if capacity_provider_strategies
            else None,
            min_healthy_percent=100,
            max_healthy_percent=200,
            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
            health_check_grace_period=Duration.seconds(60),
            propagate_tags=ecs.PropagatedTagSource.SERVICE,
            enable_ecs_managed_tags=True,
        )
        if capacity_provider_strategies:
            # A strategy names a capacity provider that must already be associated with the cluster
            # (AWS::ECS::ClusterCapacityProviderAssociations); CloudFormation does not infer that order.
            self.service.node.add_dependency(cluster)
        allow_efs_from(volumes, self.service)
        if migration is not None:
            self.service.node.add_dependency(migration.resource)

        self._add_load_balancer(
            vpc, port, certificate, internet_facing, health_check_path, access_logs_bucket
        )
        self.scaling = self.service.auto_scale_task_count(
            min_capacity=min_capacity, max_capacity=max_capacity
        )
        self.scaling.scale_on_cpu_utilization(
            "Cpu",
            target_utilization_percent=cpu_target_percent,
            scale_in_cooldown=Duration.minutes(5),
            scale_out_cooldown=Duration.minutes(1),
        )
        if requests_per_target is not None:
            self.scaling.scale_on_request_count(
                "Requests",
                requests_per_target=requests_per_target,
                target_group=self.target_group,
                scale_in_cooldown=Duration.minutes(5),
                scale_out_cooldown=Duration.minutes(1),
            )
        self._add_alarms(error_rate_percent, alarm_topic)

    @property
    def url(self) -> str:
        scheme = "https" if self.https else "http"
        return f"{scheme}://{self.load_balancer.load_balancer_dns_name}"

    def _add_load_balancer(
        self,
        vpc: ec2.IVpc,
        port: int,
        certificate: acm.ICertificate | None,
        internet_facing: bool,
        health_check_path: str,
        access_logs_bucket: s3.IBucket | None,
    ) -> None:
        self.https = certificate is not None
        self.load_balancer = elbv2.ApplicationLoadBalancer(
            self,
            "LoadBalancer",
            vpc=vpc,
            internet_facing=internet_facing,
            vpc_subnets=ec2.SubnetSelection(
                subnet_type=ec2.SubnetType.PUBLIC if internet_facing else ec2.SubnetType.PRIVATE_WITH_EGRESS
            ),
            drop_invalid_header_fields=True,
        )
        self.access_logs_bucket = access_logs_bucket or secure_bucket(self, "AccessLogs")
        self.load_balancer.log_access_logs(self.access_logs_bucket, prefix=Stack.of(self).stack_name)
        if certificate is not None:
            self.listener = self.load_balancer.add_listener(
                "Https",
                port=443,
                protocol=elbv2.ApplicationProtocol.HTTPS,
                certificates=[certificate],
                ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
                open=internet_facing,
            )
            # The redirect listener is opened to the world only on an internet-facing load balancer.
            self.load_balancer.add_redirect(source_port=80, target_port=443, open=internet_facing)
        else:
            self.listener = self.load_balancer.add_listener(
                "Http",
                port=80,
                protocol=elbv2.ApplicationProtocol.HTTP,
                open=internet_facing,
            )
        if internet_facing:
            acknowledge(
                self.load_balancer,
                {
                    "AwsSolutions-EC23": "An internet-facing load balancer accepts its listener ports from anywhere; "
                    "the tasks behind it admit only the load balancer's security group.",
                },
            )
        else:
            for listener_port in (443, 80) if certificate is not None else (80,):
                self.load_balancer.connections.allow_from(
                    ec2.Peer.ipv4(vpc.vpc_cidr_block), ec2.Port.tcp(listener_port), "Clients inside the VPC"
                )
        self.target_group = self.listener.add_targets(
            "Service",
            port=port,
            protocol=elbv2.ApplicationProtocol.HTTP,
            targets=[self.service.load_balancer_target(container_name="app", container_port=port)],
            health_check=elbv2.HealthCheck(
                path=health_check_path,
                healthy_http_codes="200-399",
                interval=Duration.seconds(15),
                healthy_threshold_count=2,
                unhealthy_threshold_count=3,
            ),
            deregistration_delay=Duration.seconds(30),
        )

    def _add_alarms(self, error_rate_percent: float, topic: sns.ITopic | None) -> None:
        rollback_alarm_names = [
            f"{Names.unique_id(self)}-UnhealthyTargets",
            f"{Names.unique_id(self)}-ErrorRate",
        ]
        self.unhealthy_alarm = alarm(
            self,
            "UnhealthyTargets",
            alarm_name=rollback_alarm_names[0],
            metric=self.metric_unhealthy_host_count(),
            threshold=1,
            evaluation_periods=3,
            datapoints_to_alarm=2,
            description="Tasks fail the load balancer's health check; a deployment in progress rolls back.",
            topic=topic,
        )
        self.error_rate_alarm = alarm(
            self,
            "ErrorRate",
            alarm_name=rollback_alarm_names[1],
            metric=self.metric_error_rate(),
            threshold=error_rate_percent,
            evaluation_periods=3,
            datapoints_to_alarm=2,
            description=f"More than {error_rate_percent}% of requests get a 5xx from the tasks; a deployment "
            "in progress rolls back.",
            topic=topic,
        )
        self.cpu_alarm = alarm(
            self,
            "CpuHigh",
            metric=self.metric_cpu_utilization(),
            threshold=90,
            evaluation_periods=3,
            description="The service's CPU stays above 90%: scaling has reached max_capacity or is too slow.",
            topic=topic,
        )
        self.memory_alarm = alarm(
            self,
            "MemoryHigh",
            metric=self.metric_memory_utilization(),
            threshold=90,
            evaluation_periods=3,
            description="The service's memory stays above 90%: tasks risk being killed out of memory.",
            topic=topic,
        )
        self.alarms = [self.unhealthy_alarm, self.error_rate_alarm, self.cpu_alarm, self.memory_alarm]
        # Only alarms on the target group may roll a deployment back: alarms on the service's own
        # metrics would make the service depend on itself. Literal alarm names keep the service free
        # of references to the alarms.
        self.service.enable_deployment_alarms(
            rollback_alarm_names,
            behavior=ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
        )
        self.deployment_failed_rule: events.Rule | None = None
        if topic is not None:
            self.deployment_failed_rule = events.Rule(
                self,
                "DeploymentFailed",
                description="An ECS deployment of this service failed (and rolled back)",
                event_pattern=events.EventPattern(
                    source=["aws.ecs"],
                    detail_type=["ECS Deployment State Change"],
                    resources=[self.service.service_arn],
                    detail={"eventName": ["SERVICE_DEPLOYMENT_FAILED"]},
                ),
                targets=[targets.SnsTopic(topic)],
            )

    # --- what aws-cdk-lib users reach for: metrics and connections -------------------------------
    @property
    def connections(self) -> ec2.Connections:
        """The tasks' security group (``ec2.IConnectable``): ``database.connections.allow_from(service,
        port)``. The load balancer's is ``load_balancer.connections``."""
        return self.service.connections

    def metric_unhealthy_host_count(self, **props: Any) -> cw.Metric:
        """Tasks failing the health check (Maximum over 1 minute): what ``unhealthy_alarm`` watches.
        ``props`` are ``cloudwatch.MetricOptions``."""
        return self.target_group.metrics.unhealthy_host_count(
            **{"period": Duration.minutes(1), "statistic": "Maximum", **props}
        )

    def metric_healthy_host_count(self, **props: Any) -> cw.Metric:
        """Tasks passing the health check (Minimum over 1 minute)."""
        return self.target_group.metrics.healthy_host_count(
            **{"period": Duration.minutes(1), "statistic": "Minimum", **props}
        )

    def metric_http_code_target(self, code: elbv2.HttpCodeTarget, **props: Any) -> cw.Metric:
        """Responses of the tasks with ``code`` (Sum over 1 minute)."""
        return self.target_group.metrics.http_code_target(
            code, **{"period": Duration.minutes(1), "statistic": "Sum", **props}
        )

    def metric_request_count(self, **props: Any) -> cw.Metric:
        """Requests to the tasks (Sum over 1 minute)."""
        return self.target_group.metrics.request_count(
            **{"period": Duration.minutes(1), "statistic": "Sum", **props}
        )

    def metric_target_response_time(self, **props: Any) -> cw.Metric:
        """The tasks' response time in seconds (p99 over 1 minute)."""
        return self.target_group.metrics.target_response_time(
            **{"period": Duration.minutes(1), "statistic": "p99", **props}
        )

    def metric_error_rate(self, period: Duration = Duration.minutes(1)) -> cw.MathExpression:
        """5xx responses of the tasks as a percentage of requests: what ``error_rate_alarm`` watches."""
        return cw.MathExpression(
            expression="100 * FILL(errors, 0) / requests",
            using_metrics={
                "errors": self.metric_http_code_target(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=period),
                "requests": self.metric_request_count(period=period),
            },
            period=period,
            label="5xx responses (% of requests)",
        )

    def metric_cpu_utilization(self, **props: Any) -> cw.Metric:
        """The service's CPU utilization (Average over 5 minutes): what ``cpu_alarm`` watches."""
        return self.service.metric_cpu_utilization(**{"period": Duration.minutes(5), **props})

    def metric_memory_utilization(self, **props: Any) -> cw.Metric:
        """The service's memory utilization (Average over 5 minutes): what ``memory_alarm`` watches."""
        return self.service.metric_memory_utilization(**{"period": Duration.minutes(5), **props})
