"""Container promises (patterns/containers/README.md), each value written out: circuit breaker and alarm
rollback, the alarms (unhealthy targets 2 of 3 minutes, 5xx rate >= 5 %), image immutability and
lifecycle, non-blocking logs kept one year, the migration's logs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.patterns.promises import (
    Alarm,
    alarms,
    example_stack_template,
    ingress_rules,
    log_retentions,
    resources,
)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return example_stack_template("CdpContainers")


def only(template: dict[str, Any], type_: str) -> dict[str, Any]:
    [(_, resource)] = resources(template, type_)
    return resource["Properties"]


def test_alarms(template) -> None:
    assert alarms(template) == [
        Alarm(
            "100 * FILL(errors, 0) / requests; errors=AWS/ApplicationELB HTTPCode_Target_5XX_Count Sum/60; "
            "requests=AWS/ApplicationELB RequestCount Sum/60",
            5,
            "GreaterThanOrEqualToThreshold",
            3,
            2,
            "notBreaching",
            None,
            "topic",
        ),
        Alarm(
            "AWS/ApplicationELB UnHealthyHostCount Maximum",
            1,
            "GreaterThanOrEqualToThreshold",
            3,
            2,
            "notBreaching",
            60,
            "topic",
        ),
        Alarm(
            "AWS/ECS CPUUtilization Average",
            90,
            "GreaterThanOrEqualToThreshold",
            3,
            None,
            "notBreaching",
            300,
            "topic",
        ),
        Alarm(
            "AWS/ECS MemoryUtilization Average",
            90,
            "GreaterThanOrEqualToThreshold",
            3,
            None,
            "notBreaching",
            300,
            "topic",
        ),
        Alarm(
            "AWS/WAFV2 BlockedRequests Sum",
            1000,
            "GreaterThanOrEqualToThreshold",
            1,
            None,
            "notBreaching",
            300,
            "topic",
        ),
    ]


def test_deployments_roll_back_on_the_breaker_and_the_target_group_alarms(template) -> None:
    service = only(template, "AWS::ECS::Service")
    config = service["DeploymentConfiguration"]
    assert config["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    assert config["Alarms"]["Enable"] is True and config["Alarms"]["Rollback"] is True
    assert [name.rsplit("-", 1)[-1] for name in config["Alarms"]["AlarmNames"]] == [
        "UnhealthyTargets",
        "ErrorRate",
    ]
    assert service["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] == "DISABLED"


def test_failed_deployments_are_reported(template) -> None:
    [rule] = [
        r["Properties"]
        for _, r in resources(template, "AWS::Events::Rule")
        if r["Properties"]["EventPattern"].get("source") == ["aws.ecs"]
    ]
    assert rule["EventPattern"]["detail"] == {"eventName": ["SERVICE_DEPLOYMENT_FAILED"]}


def test_target_group_health_check(template) -> None:
    group = only(template, "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert group["Matcher"] == {"HttpCode": "200-399"}
    assert (group["HealthyThresholdCount"], group["UnhealthyThresholdCount"]) == (2, 3)


def test_load_balancer_drops_invalid_headers_and_logs(template) -> None:
    attributes = {
        a["Key"]: a["Value"]
        for a in only(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")["LoadBalancerAttributes"]
    }
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["access_logs.s3.enabled"] == "true"
    assert len(resources(template, "AWS::WAFv2::WebACLAssociation")) == 1


def test_only_http_reaches_the_load_balancer_and_only_it_the_tasks(template) -> None:
    # the internet reaches the ALB on 80; the ALB the tasks on 80; the tasks the EFS mount targets on 2049
    assert ingress_rules(template) == [
        ("tcp", 2049, 2049, "group"),
        ("tcp", 80, 80, "0.0.0.0/0"),
        ("tcp", 80, 80, "group"),
    ]


def test_registry_immutable_scanned_with_lifecycle(template) -> None:
    repository = [r for _, r in resources(template, "AWS::ECR::Repository")]
    assert len(repository) == 1
    properties = repository[0]["Properties"]
    assert properties["ImageTagMutability"] == "IMMUTABLE"
    assert properties["ImageScanningConfiguration"] == {"ScanOnPush": True}
    rules = json.loads(properties["LifecyclePolicy"]["LifecyclePolicyText"])["rules"]
    assert rules[0]["selection"] == {
        "tagStatus": "untagged",
        "countType": "sinceImagePushed",
        "countNumber": 7,
        "countUnit": "days",
    }
    assert rules[1]["selection"]["countNumber"] == 50
    assert repository[0]["DeletionPolicy"] == "Retain"


def test_logs_non_blocking_one_year(template) -> None:
    assert log_retentions(template) == [(365, "Retain")] * 7
    for _, task in resources(template, "AWS::ECS::TaskDefinition"):
        for container in task["Properties"]["ContainerDefinitions"]:
            assert container["LogConfiguration"]["LogDriver"] == "awslogs"
            assert container["LogConfiguration"]["Options"]["mode"] == "non-blocking"


def test_migration_state_machine_logs_all_and_traces(template) -> None:
    machines = sorted(
        (
            m["Properties"]["LoggingConfiguration"]["Level"],
            json.dumps(m["Properties"].get("TracingConfiguration")),
        )
        for _, m in resources(template, "AWS::StepFunctions::StateMachine")
    )
    # the migration's own machine traced; the provider framework's waiter logs ALL too
    assert machines == [("ALL", "null"), ("ALL", '{"Enabled": true}')]
