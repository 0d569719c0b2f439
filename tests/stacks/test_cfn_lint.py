"""cfn-lint on every synthesized example template: no errors, no warnings but W3005."""

from __future__ import annotations

import json

import pytest
from cfnlint.api import ManualArgs, lint

from stacks import EXAMPLE_STACKS

# W3005 (obsolete DependsOn) is emitted by CDK's own L2 constructs; nothing else is tolerated.
IGNORED = ["W3005"]


@pytest.mark.parametrize("stack_name", sorted(EXAMPLE_STACKS))
def test_cfn_lint_is_clean(stack_name: str, example_templates) -> None:  # type: ignore[no-untyped-def]
    matches = lint(
        json.dumps(example_templates[stack_name]),
        config=ManualArgs(regions=["us-east-1"], ignore_checks=IGNORED),
    )
    assert [str(match) for match in matches] == []


def test_cfn_lint_catches_a_broken_template() -> None:
    """The gate can fail: a bucket with an invalid property is reported."""
    broken = {"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"NoSuchProperty": 1}}}}
    assert lint(json.dumps(broken), config=ManualArgs(regions=["us-east-1"], ignore_checks=IGNORED))
