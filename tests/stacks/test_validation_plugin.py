"""The example app's CloudFormation validation: aws-cdk-lib's engine on every template, without the
default Rego rules (GameLift only), which the app cannot trip and which take ~0.3 s to load."""

from __future__ import annotations

import tarfile
from pathlib import Path

import aws_cdk
import pytest
from aws_cdk import App, CfnResource

from stacks import CDK_DEFAULT_RULES, build, feature_flags


def test_the_default_rules_left_out_are_gamelifts_only() -> None:
    # Fails when an aws-cdk-lib upgrade ships other default rules: then decide again (stacks.build).
    (tarball,) = (Path(aws_cdk.__file__).parent / "_jsii").glob("aws-cdk-lib@*.jsii.tgz")
    with tarfile.open(tarball) as archive:
        rules = sorted(
            Path(name).name
            for name in archive.getnames()
            if name.startswith("package/core/lib/validation/rules/") and name.endswith(".rego")
        )
    assert tuple(rules) == CDK_DEFAULT_RULES == ("gamelift-fleet.rego",)
    assert not any(
        "GameLift" in resource.get("Type", "")
        for template in _example_templates()
        for resource in template.get("Resources", {}).values()
    )


def _example_templates() -> list[dict]:
    from tests.patterns.promises import example_stack_templates

    return list(example_stack_templates().values())


def test_the_schema_validation_still_runs(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path), context=feature_flags())
    network = build(app, only=["CdpNetwork"])["CdpNetwork"]
    CfnResource(network, "TooLong", type="AWS::SQS::Queue", properties={"VisibilityTimeout": 99_999})
    with pytest.raises(RuntimeError) as raised:
        app.synth()
    assert "VisibilityTimeout: 99999 is greater than the maximum of 43200 (CloudFormation Validate)" in str(
        raised.value
    )
