"""Containers: the grants, metrics and connections that aws-cdk-lib users reach for."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk.assertions import Template

from patterns.containers import ContainerCluster, ContainerRegistry, ContainerService, MigrationTask
from tests.conftest import new_stack, template_of
from tests.patterns.conventions import (
    actions_on,
    arn,
    ingress_rules_to,
    metric_shape,
    new_role,
    opens,
    statements_of,
)

PULL = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
PUSH = [
    "ecr:BatchCheckLayerAvailability",
    "ecr:CompleteLayerUpload",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
]

Built = tuple[dict[str, Any], Stack, Template, dict[str, Any]]


@pytest.fixture(scope="module")
def built() -> Built:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    cluster = ContainerCluster(stack, "Cluster", vpc=vpc, instance_type=ec2.InstanceType("t3.medium"))
    registry = ContainerRegistry(stack, "Registry")
    image = ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:stable")
    migration = MigrationTask(stack, "Migration", cluster=cluster.cluster, image=image, command=["true"])
    service = ContainerService(stack, "Web", cluster=cluster.cluster, image=image)
    roles = {name: new_role(stack, name) for name in ("Puller", "Pusher", "PullPusher")}
    registry.grant_pull(roles["Puller"])
    registry.grant_push(roles["Pusher"])
    registry.grant_pull_push(roles["PullPusher"])
    database = ec2.SecurityGroup(stack, "Database", vpc=vpc)
    for port, construct in ((5432, service), (5433, migration), (5434, cluster)):
        database.connections.allow_from(construct, ec2.Port.tcp(port))  # each one is an IConnectable
        construct.connections.allow_from(ec2.Peer.ipv4("10.9.0.0/16"), ec2.Port.tcp(port + 1000))
    parts = {"cluster": cluster, "registry": registry, "migration": migration, "service": service}
    return parts, stack, template_of(stack), {**roles, "database": database}


def test_registry_grants(built: Built) -> None:
    parts, stack, template, roles = built
    repository = arn(stack, parts["registry"].repository)
    for name, actions in (("Puller", PULL), ("Pusher", PUSH), ("PullPusher", sorted({*PULL, *PUSH}))):
        statements = statements_of(template, stack, roles[name])
        assert actions_on(statements, repository) == actions, name
        assert actions_on(statements, "*") == ["ecr:GetAuthorizationToken"], name


@pytest.mark.parametrize(
    ("name", "group", "port"),
    [
        ("service", lambda p: p["service"].service.connections.security_groups[0], 5432),
        ("migration", lambda p: p["migration"].security_group, 5433),
        ("cluster", lambda p: p["cluster"].instance_security_group, 5434),
    ],
)
def test_connections(built: Built, name: str, group: Any, port: int) -> None:
    parts, stack, template, roles = built
    own = group(parts)
    from_database = [
        rule
        for rule in ingress_rules_to(template, stack, roles["database"])
        if rule.get("SourceSecurityGroupId") == stack.resolve(own.security_group_id)
    ]
    assert [(rule["FromPort"], rule["ToPort"]) for rule in from_database] == [(port, port)], name
    assert opens(ingress_rules_to(template, stack, own), port + 1000, cidr="10.9.0.0/16"), name


def test_fargate_only_cluster_has_no_connections() -> None:
    stack = new_stack()
    cluster = ContainerCluster(stack, "Cluster", vpc=ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0))
    with pytest.raises(ValueError, match="connections needs EC2 capacity"):
        _ = cluster.connections


def test_service_metrics(built: Built) -> None:
    parts, stack, _template, _roles = built
    service: ContainerService = parts["service"]
    target_group = stack.resolve(service.target_group.target_group_full_name)
    for metric, name, statistic in (
        (service.metric_unhealthy_host_count(), "UnHealthyHostCount", "Maximum"),
        (service.metric_healthy_host_count(), "HealthyHostCount", "Minimum"),
        (service.metric_request_count(), "RequestCount", "Sum"),
        (service.metric_target_response_time(), "TargetResponseTime", "p99"),
        (
            service.metric_http_code_target(elbv2.HttpCodeTarget.TARGET_5XX_COUNT),
            "HTTPCode_Target_5XX_Count",
            "Sum",
        ),
    ):
        shape = metric_shape(stack, metric)
        dimensions = shape.pop("dimensions")
        assert shape == {
            "namespace": "AWS/ApplicationELB",
            "metric_name": name,
            "statistic": statistic,
            "period": 60,
        }, name
        # LoadBalancer: the load balancer's full name, which CDK derives from the listener's ARN.
        assert sorted(dimensions) == ["LoadBalancer", "TargetGroup"], name
        assert dimensions["TargetGroup"] == target_group, name
    ecs_dims = {
        "ClusterName": stack.resolve(parts["cluster"].cluster.cluster_name),
        "ServiceName": stack.resolve(service.service.service_name),
    }
    for metric, name in (
        (service.metric_cpu_utilization(), "CPUUtilization"),
        (service.metric_memory_utilization(), "MemoryUtilization"),
    ):
        assert metric_shape(stack, metric) == {
            "namespace": "AWS/ECS",
            "metric_name": name,
            "dimensions": ecs_dims,
            "statistic": "Average",
            "period": 300,
        }, name
    assert service.metric_error_rate().expression == "100 * FILL(errors, 0) / requests"


def test_service_alarms_watch_the_metrics(built: Built) -> None:
    _parts, _stack, template, _roles = built
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"MetricName": "UnHealthyHostCount", "Statistic": "Maximum", "Period": 60, "Threshold": 1},
    )
    for name in ("CPUUtilization", "MemoryUtilization"):
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm", {"MetricName": name, "Statistic": "Average", "Period": 300}
        )
