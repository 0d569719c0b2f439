"""AMI-maintenance promises (patterns/ami/README.md), each value written out: the fleet's user data fails
fast, no SSH, IMDSv2, the alarms, the image lifecycle (30 / 90 / 3), the refresh's retries and logs."""

from __future__ import annotations

from typing import Any

import pytest

from tests.patterns.promises import (
    Alarm,
    alarms,
    example_stack_template,
    ingress_rules,
    log_retentions,
    resources,
    shell_parts,
    user_data_scripts,
)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return example_stack_template("CdpAmiMaintenance")


def only(template: dict[str, Any], type_: str) -> dict[str, Any]:
    [(_, resource)] = resources(template, type_)
    return resource["Properties"]


def test_user_data_fails_fast(template) -> None:
    [script] = user_data_scripts(template)
    [shell] = shell_parts(script)
    lines = shell.splitlines()
    assert lines[0] == "#!/bin/bash"
    assert lines[1] == "set -euo pipefail"  # exit on the first error, unset variable or failed pipe
    assert lines[2] == "install -d -m 0750 /etc/cdp/config"


def test_no_ssh_no_key_imdsv2(template) -> None:
    assert all(rule[1] != 22 for rule in ingress_rules(template))
    assert ingress_rules(template) == [("tcp", 80, 80, "cidr-from-import"), ("tcp", 80, 80, "group")]
    data = only(template, "AWS::EC2::LaunchTemplate")["LaunchTemplateData"]
    assert "KeyName" not in data
    assert data["MetadataOptions"] == {"HttpPutResponseHopLimit": 1, "HttpTokens": "required"}
    assert data["BlockDeviceMappings"][0]["Ebs"]["Encrypted"] is True
    build = only(template, "AWS::ImageBuilder::InfrastructureConfiguration")
    assert build["InstanceMetadataOptions"] == {"HttpPutResponseHopLimit": 1, "HttpTokens": "required"}
    assert build["TerminateInstanceOnFailure"] is True
    assert "KeyPair" not in build


def test_alarms(template) -> None:
    events = Alarm(
        "AWS/Events TriggeredRules Sum",
        1,
        "GreaterThanOrEqualToThreshold",
        1,
        None,
        "notBreaching",
        300,
        "topic",
    )
    assert alarms(template) == [
        Alarm(
            "AWS/ApplicationELB UnHealthyHostCount Maximum",
            1,
            "GreaterThanOrEqualToThreshold",
            2,
            None,
            "notBreaching",
            300,
            "topic",
        ),
        # fewer in-service instances than the group's minimum (2) for 15 minutes
        Alarm(
            "AWS/AutoScaling GroupInServiceInstances Minimum",
            2,
            "LessThanThreshold",
            3,
            None,
            "notBreaching",
            300,
            "topic",
        ),
        events,  # failed builds
        events,  # failed launches / instance refreshes
        Alarm(
            "AWS/SQS ApproximateNumberOfMessagesVisible Maximum",
            1,
            "GreaterThanOrEqualToThreshold",
            1,
            None,
            "notBreaching",
            300,
            "topic",
        ),
        Alarm(
            "AWS/States ExecutionsFailed Sum",
            1,
            "GreaterThanOrEqualToThreshold",
            1,
            None,
            "notBreaching",
            300,
            "topic",
        ),
    ]


def test_failure_rules(template) -> None:
    patterns = sorted(
        (r["Properties"]["EventPattern"]["source"][0], tuple(r["Properties"]["EventPattern"]["detail-type"]))
        for _, r in resources(template, "AWS::Events::Rule")
    )
    assert patterns == [
        ("aws.autoscaling", ("EC2 Instance Launch Unsuccessful", "EC2 Auto Scaling Instance Refresh Failed")),
        ("aws.imagebuilder", ("EC2 Image Builder Image State Change",)),
        ("aws.ssm", ("Parameter Store Change",)),
    ]
    [build_failed] = [
        r["Properties"]
        for _, r in resources(template, "AWS::Events::Rule")
        if r["Properties"]["EventPattern"]["source"] == ["aws.imagebuilder"]
    ]
    assert build_failed["EventPattern"]["detail"] == {"state": {"status": ["FAILED"]}}


def test_image_lifecycle_deprecate_30_delete_90_keep_3(template) -> None:
    details = only(template, "AWS::ImageBuilder::LifecyclePolicy")["PolicyDetails"]
    assert details == [
        {
            "Action": {"Type": "DEPRECATE"},
            "Filter": {"RetainAtLeast": 3, "Type": "AGE", "Unit": "DAYS", "Value": 30},
        },
        {
            "Action": {"IncludeResources": {"Amis": True, "Snapshots": True}, "Type": "DELETE"},
            "Filter": {"RetainAtLeast": 3, "Type": "AGE", "Unit": "DAYS", "Value": 90},
        },
    ]


def test_image_tests_run(template) -> None:
    pipeline = only(template, "AWS::ImageBuilder::ImagePipeline")
    assert pipeline["ImageTestsConfiguration"] == {"ImageTestsEnabled": True, "TimeoutMinutes": 60}
    assert pipeline["EnhancedImageMetadataEnabled"] is True


def test_image_refresh_retries_logs_and_dead_letters(template) -> None:
    [target] = [
        r["Properties"]["Targets"][0]
        for _, r in resources(template, "AWS::Events::Rule")
        if r["Properties"]["EventPattern"]["source"] == ["aws.ssm"]
    ]
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 7200, "MaximumRetryAttempts": 8}
    assert "DeadLetterConfig" in target
    machine = only(template, "AWS::StepFunctions::StateMachine")
    assert machine["LoggingConfiguration"]["Level"] == "ALL"
    assert machine["TracingConfiguration"] == {"Enabled": True}
    assert machine["StateMachineType"] == "STANDARD"
    [(_, queue)] = resources(template, "AWS::SQS::Queue")
    assert queue["Properties"]["MessageRetentionPeriod"] == 1209600  # 14 days
    assert queue["DeletionPolicy"] == "Retain"
    assert log_retentions(template) == [(365, "Retain")]


def test_fleet_group_and_load_balancer(template) -> None:
    group = only(template, "AWS::AutoScaling::AutoScalingGroup")
    assert group["HealthCheckType"] == "ELB"
    assert group["MetricsCollection"] == [
        {"Granularity": "1Minute", "Metrics": ["GroupInServiceInstances", "GroupDesiredCapacity"]}
    ]
    assert group["NotificationConfigurations"][0]["NotificationTypes"] == [
        "autoscaling:EC2_INSTANCE_LAUNCH",
        "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
        "autoscaling:EC2_INSTANCE_TERMINATE",
        "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
    ]
    attributes = {
        a["Key"]: a["Value"]
        for a in only(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")["LoadBalancerAttributes"]
    }
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["access_logs.s3.enabled"] == "true"


def test_ami_backups(template) -> None:
    [schedule] = only(template, "AWS::DLM::LifecyclePolicy")["PolicyDetails"]["Schedules"]
    assert schedule["CreateRule"] == {"Interval": 24, "IntervalUnit": "HOURS", "Times": ["03:00"]}
    assert schedule["RetainRule"] == {"Count": 7}
