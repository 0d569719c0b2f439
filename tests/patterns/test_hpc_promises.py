"""HPC-training promises (patterns/hpc/README.md), each value written out: GPU nodes from zero, the user
data fails fast (``set -euxo pipefail``), EFA, IMDSv2, timeouts (3 days per GPU attempt, 4 days per run),
stuck jobs cancelled after 4 hours, the free-capacity alarm at 10 %, logs kept one year."""

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
    shell_parts,
    user_data_scripts,
)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return example_stack_template("CdpHpcTraining")


def test_user_data_fails_fast_then_installs_efa(template) -> None:
    [script] = user_data_scripts(template)
    assert script.startswith("Content-Type: multipart/mixed")  # Batch requires MIME multi-part
    [shell] = shell_parts(script)
    lines = shell.splitlines()
    assert lines[0] == "#!/bin/bash"
    assert lines[1] == "set -euxo pipefail"
    assert "efa_installer.sh -y --minimal" in shell


def test_gpu_nodes_start_from_zero(template) -> None:
    gpu = [
        r["Properties"]["ComputeResources"]
        for _, r in resources(template, "AWS::Batch::ComputeEnvironment")
        if r["Properties"]["ComputeResources"].get("Type") != "FARGATE"
    ]
    assert [c["MinvCpus"] for c in gpu] == [0]
    assert gpu[0]["InstanceTypes"] == ["g5.12xlarge", "g5.48xlarge", "p4d.24xlarge"]


def test_launch_template_imdsv2_encrypted_efa(template) -> None:
    [(_, launch)] = resources(template, "AWS::EC2::LaunchTemplate")
    data = launch["Properties"]["LaunchTemplateData"]
    assert data["MetadataOptions"] == {"HttpTokens": "required"}
    assert data["BlockDeviceMappings"][0]["Ebs"]["Encrypted"] is True
    assert data["NetworkInterfaces"][0]["InterfaceType"] == "efa"
    assert "KeyName" not in data


def test_attempt_timeouts(template) -> None:
    timeouts = sorted(
        r["Properties"]["Timeout"]["AttemptDurationSeconds"]
        for _, r in resources(template, "AWS::Batch::JobDefinition")
    )
    assert timeouts == [43200, 259200, 259200]  # preprocessing 12 h; GPU jobs 3 days


def test_stuck_jobs_are_cancelled_after_four_hours(template) -> None:
    actions = [
        r["Properties"]["JobStateTimeLimitActions"]
        for _, r in resources(template, "AWS::Batch::JobQueue")
        if r["Properties"].get("JobStateTimeLimitActions")
    ]
    assert [[(a["Action"], a["MaxTimeSeconds"], a["State"]) for a in found] for found in actions] == [
        [("CANCEL", 14400, "RUNNABLE")] * 3
    ]


def test_workflow_runs_at_most_four_days_logged_and_traced(template) -> None:
    [(_, machine)] = resources(template, "AWS::StepFunctions::StateMachine")
    assert '\\"TimeoutSeconds\\":345600' in json.dumps(machine["Properties"]["DefinitionString"])
    assert machine["Properties"]["LoggingConfiguration"]["Level"] == "ALL"
    assert machine["Properties"]["TracingConfiguration"] == {"Enabled": True}


def test_alarms(template) -> None:
    assert alarms(template) == [
        # 10 % of 1,200 GiB: 120 GiB in bytes
        Alarm(
            "AWS/FSx FreeDataStorageCapacity Minimum",
            120 * 1024**3,
            "LessThanThreshold",
            3,
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


def test_failure_notifications(template) -> None:
    statuses = sorted(
        tuple(r["Properties"]["EventPattern"]["detail"]["status"])
        for _, r in resources(template, "AWS::Events::Rule")
    )
    assert statuses == [("FAILED",), ("FAILED", "TIMED_OUT", "ABORTED")]


def test_logs_one_year(template) -> None:
    assert log_retentions(template) == [(365, "Retain")] * 4


def test_only_cluster_internal_and_lustre_ingress(template) -> None:
    rules = ingress_rules(template)
    assert {source for *_, source in rules} == {"group"}
    assert ("-1", None, None, "group") in rules
    assert all(rule[0] in ("-1", "tcp") and rule[1] in (None, 988, 1018) for rule in rules)


def test_api_uses_iam_auth(template) -> None:
    methods = [
        r["Properties"]["AuthorizationType"]
        for _, r in resources(template, "AWS::ApiGateway::Method")
        if r["Properties"]["HttpMethod"] != "OPTIONS"
    ]
    assert methods and set(methods) == {"AWS_IAM"}
