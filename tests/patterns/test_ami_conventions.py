"""AMI maintenance: the grants, metrics and connections that aws-cdk-lib users reach for."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template

from patterns.ami import BootstrappedFleet, GoldenImagePipeline, ImageRefresh, ShellStep
from tests.conftest import new_stack, template_of
from tests.patterns.conventions import (
    actions_on,
    all_actions,
    ingress_rules_to,
    metric_shape,
    new_role,
    opens,
    ref,
    statements_of,
)

SSM_READ = ["ssm:DescribeParameters", "ssm:GetParameter", "ssm:GetParameterHistory", "ssm:GetParameters"]
NGINX = [ShellStep("InstallNginx", ["dnf install -y nginx"])]

Built = tuple[dict[str, Any], Stack, Template, dict[str, Any]]


@pytest.fixture(scope="module")
def built() -> Built:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2)
    seeded = GoldenImagePipeline(stack, "Golden", name="web", vpc=vpc, build_steps=NGINX)
    unseeded = GoldenImagePipeline(
        stack, "Unseeded", name="api", vpc=vpc, build_steps=NGINX, build_on_deploy=False
    )
    fleet = BootstrappedFleet(
        stack, "Fleet", vpc=vpc, image_parameter="/cdp/ami/web", load_balancer="internal", instance_port=8080
    )
    bare_fleet = BootstrappedFleet(stack, "Bare", vpc=vpc, image_parameter="/cdp/ami/web")
    roles = {name: new_role(stack, f"{name}Reader") for name in ("Seeded", "Unseeded")}
    seeded.grant_read_image_parameter(roles["Seeded"])
    unseeded.grant_read_image_parameter(roles["Unseeded"])
    mirror = ec2.SecurityGroup(stack, "Mirror", vpc=vpc)
    for port, construct in ((8443, seeded), (5432, fleet)):
        mirror.connections.allow_from(construct, ec2.Port.tcp(port))  # each one is an IConnectable
        construct.connections.allow_from(ec2.Peer.ipv4("10.9.0.0/16"), ec2.Port.tcp(port + 1000))
    parts = {"seeded": seeded, "unseeded": unseeded, "fleet": fleet, "bare_fleet": bare_fleet}
    return parts, stack, template_of(stack), {**roles, "mirror": mirror}


def test_grant_read_image_parameter(built: Built) -> None:
    _parts, stack, template, roles = built
    seeded = statements_of(template, stack, roles["Seeded"])
    # Image Builder's distribution owns the parameter (never CloudFormation): granted by name.
    parameter = {
        "Fn::Join": ["", ["arn:aws:ssm:us-east-1:", {"Ref": "AWS::AccountId"}, ":parameter/cdp/ami/web"]]
    }
    assert actions_on(seeded, parameter) == SSM_READ
    assert all_actions(seeded) == SSM_READ
    unseeded = statements_of(template, stack, roles["Unseeded"])
    unseeded_parameter = {
        "Fn::Join": ["", ["arn:aws:ssm:us-east-1:", {"Ref": "AWS::AccountId"}, ":parameter/cdp/ami/api"]]
    }
    assert actions_on(unseeded, unseeded_parameter) == SSM_READ
    assert all_actions(unseeded) == SSM_READ


@pytest.mark.parametrize(("name", "port"), [("seeded", 8443), ("fleet", 5432)])
def test_connections(built: Built, name: str, port: int) -> None:
    parts, stack, template, roles = built
    own = parts[name].security_group
    from_mirror = [
        rule
        for rule in ingress_rules_to(template, stack, roles["mirror"])
        if rule.get("SourceSecurityGroupId") == stack.resolve(own.security_group_id)
    ]
    assert [(rule["FromPort"], rule["ToPort"]) for rule in from_mirror] == [(port, port)], name
    assert opens(ingress_rules_to(template, stack, own), port + 1000, cidr="10.9.0.0/16"), name


def test_pipeline_metric(built: Built) -> None:
    parts, stack, template, _roles = built
    pipeline = parts["seeded"]
    assert metric_shape(stack, pipeline.metric_failed_builds()) == {
        "namespace": "AWS/Events",
        "metric_name": "TriggeredRules",
        "dimensions": {"RuleName": ref(stack, pipeline.failure_rule)},
        "statistic": "Sum",
        "period": 300,
    }
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/Events",
            "MetricName": "TriggeredRules",
            "Dimensions": [{"Name": "RuleName", "Value": ref(stack, pipeline.failure_rule)}],
            "Statistic": "Sum",
            "Period": 300,
        },
    )


def test_fleet_metrics(built: Built) -> None:
    parts, stack, template, _roles = built
    fleet = parts["fleet"]
    assert metric_shape(stack, fleet.metric_failed_launches()) == {
        "namespace": "AWS/Events",
        "metric_name": "TriggeredRules",
        "dimensions": {"RuleName": ref(stack, fleet.launch_failure_rule)},
        "statistic": "Sum",
        "period": 300,
    }
    assert metric_shape(stack, fleet.metric_in_service_instances()) == {
        "namespace": "AWS/AutoScaling",
        "metric_name": "GroupInServiceInstances",
        "dimensions": {"AutoScalingGroupName": ref(stack, fleet.auto_scaling_group)},
        "statistic": "Minimum",
        "period": 300,
    }
    for metric, name, statistic in (
        (fleet.metric_unhealthy_host_count(), "UnHealthyHostCount", "Maximum"),
        (fleet.metric_healthy_host_count(), "HealthyHostCount", "Minimum"),
    ):
        shape = metric_shape(stack, metric)
        assert sorted(shape.pop("dimensions")) == ["LoadBalancer", "TargetGroup"], name
        assert shape == {
            "namespace": "AWS/ApplicationELB",
            "metric_name": name,
            "statistic": statistic,
            "period": 300,
        }, name
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"MetricName": "GroupInServiceInstances", "Statistic": "Minimum", "Period": 300},
    )
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"MetricName": "UnHealthyHostCount", "Statistic": "Maximum", "Period": 300},
    )
    with pytest.raises(ValueError, match="metric_healthy_host_count needs a load balancer"):
        parts["bare_fleet"].metric_healthy_host_count()


def test_image_refresh_metrics() -> None:
    stack = new_stack()
    group = autoscaling.AutoScalingGroup.from_auto_scaling_group_name(stack, "Group", "web-fleet")
    refresh = ImageRefresh(stack, "Refresh", auto_scaling_group=group, image_parameter_name="/cdp/ami/web")
    assert metric_shape(stack, refresh.metric_failed()) == {
        "namespace": "AWS/States",
        "metric_name": "ExecutionsFailed",
        "dimensions": {"StateMachineArn": ref(stack, refresh.state_machine)},
        "statistic": "Sum",
        "period": 300,
    }
    queue_name = {
        "Fn::GetAtt": [stack.get_logical_id(refresh.dead_letter_queue.node.default_child), "QueueName"]
    }  # type: ignore[arg-type]
    assert metric_shape(stack, refresh.metric_dead_letter_messages()) == {
        "namespace": "AWS/SQS",
        "metric_name": "ApproximateNumberOfMessagesVisible",
        "dimensions": {"QueueName": queue_name},
        "statistic": "Maximum",
        "period": 300,
    }
    template = template_of(stack)
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm", {"MetricName": "ExecutionsFailed", "Statistic": "Sum", "Period": 300}
    )
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Statistic": "Maximum",
            "Period": 300,
            "Dimensions": [{"Name": "QueueName", "Value": queue_name}],
        },
    )
