"""cdk-nag is a gate, not a report: an unacknowledged finding fails synthesis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk import Acknowledgment, App, Stack, Validations
from aws_cdk import aws_sqs as sqs
from cdk_nag import AwsSolutionsChecks

from stacks import feature_flags, synth, unacknowledged_findings


def _app_with_unencrypted_queue(outdir: Path, *, acknowledged: bool) -> App:
    app = App(outdir=str(outdir), context=feature_flags())
    stack = Stack(app, "Gate")
    queue = sqs.Queue(stack, "Queue", encryption=sqs.QueueEncryption.UNENCRYPTED)
    if acknowledged:
        for rule, reason in {
            "AwsSolutions-SQS2": "test: the queue is deliberately unencrypted",
            "AwsSolutions-SQS3": "test: the queue deliberately has no dead-letter queue",
            "AwsSolutions-SQS4": "test: the queue deliberately allows plain HTTP",
        }.items():
            Validations.of(queue).acknowledge(Acknowledgment(id=rule, reason=reason))
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app


def test_unacknowledged_finding_fails_synthesis(tmp_path: Path) -> None:
    app = _app_with_unencrypted_queue(tmp_path, acknowledged=False)
    with pytest.raises(RuntimeError, match="ValidationFailed") as error:
        app.synth()
    assert "AwsSolutions-SQS2" in str(error.value)
    report = json.loads((tmp_path / "validation-report.json").read_text())
    assert "AwsSolutions-SQS2" in json.dumps(report)


def test_acknowledged_findings_let_synthesis_pass(tmp_path: Path) -> None:
    _app_with_unencrypted_queue(tmp_path, acknowledged=True).synth()
    assert (tmp_path / "Gate.template.json").exists()


def test_example_app_has_no_unacknowledged_finding(example_assembly: Path) -> None:
    """Neither errors nor warnings are left in the example app's validation report."""
    assert (example_assembly / "manifest.json").exists()
    assert unacknowledged_findings(example_assembly) == []


def test_unacknowledged_warning_fails_the_example_gate(tmp_path: Path) -> None:
    """A warning alone does not fail CDK's synthesis (for our plugin); stacks.synth makes it fail."""
    from aws_cdk import aws_batch as batch

    from patterns.checks import CloudDesignPatternChecks
    from patterns.checks.rules import batch_min_vcpus_zero

    app = App(outdir=str(tmp_path), context=feature_flags())
    stack = Stack(app, "Warn")
    batch.CfnComputeEnvironment(
        stack,
        "Env",
        type="MANAGED",
        compute_resources=batch.CfnComputeEnvironment.ComputeResourcesProperty(
            type="EC2",
            minv_cpus=4,
            maxv_cpus=16,
            subnets=["subnet-0123456789abcdef0"],
            instance_role="arn:aws:iam::123456789012:instance-profile/ecs",
            instance_types=["g5.xlarge"],
        ),
    )
    Validations.of(app).add_plugins(CloudDesignPatternChecks(rules=[batch_min_vcpus_zero]))
    with pytest.raises(SystemExit, match="warning CDP-BatchMinVcpusZero: Warn/Env"):
        synth(app)
