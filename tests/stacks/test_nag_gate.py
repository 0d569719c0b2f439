"""cdk-nag is a gate, not a report: an unacknowledged finding fails synthesis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk import Acknowledgment, App, Stack, Validations
from aws_cdk import aws_sqs as sqs
from cdk_nag import AwsSolutionsChecks

from stacks import feature_flags


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
    """The example app synthesized (the fixture would have raised otherwise); nothing failed in its report."""
    assert (example_assembly / "manifest.json").exists()
    for report in example_assembly.glob("**/validation-report.json"):
        assert '"status": "failure"' not in report.read_text()
