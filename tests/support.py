"""Helpers for checking one stack the way the example app does: cdk-nag AwsSolutions plus cfn-lint."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from aws_cdk import App, Environment, Stack, Validations
from cdk_nag import AwsSolutionsChecks
from cfnlint.api import ManualArgs
from cfnlint.config import ConfigMixIn
from cfnlint.decode.decode import decode_str
from cfnlint.runner import Runner

from stacks import feature_flags

CFN_LINT_IGNORED = ["W3005"]


@cache
def _linter(region: str) -> Runner:
    """cfn-lint for one region, its rules and specs loaded once per process."""
    return Runner(ConfigMixIn(**ManualArgs(regions=[region], ignore_checks=CFN_LINT_IGNORED)))


def cfn_lint(template: dict[str, Any], region: str = "us-east-1") -> list[str]:
    """cfn-lint findings (W3005, emitted by CDK's own constructs, ignored) as strings."""
    decoded, errors = decode_str(json.dumps(template))
    if errors:
        return [str(match) for match in errors]
    return [str(match) for match in _linter(region).validate_template(decoded)]


def synth_checked(build: Callable[[App], Stack], region: str = "us-east-1") -> dict[str, Any]:
    """Synthesize the stack that ``build(app)`` adds, with cdk-nag as a gate; return its template.

    Raises (listing the findings) if cdk-nag reports anything unacknowledged. Used while developing a
    pattern: ``python -c "from tests.support import *; ..."``.
    """
    with tempfile.TemporaryDirectory() as outdir:
        app = App(context=feature_flags(), outdir=outdir)
        stack = build(app)
        Validations.of(app).add_plugins(AwsSolutionsChecks(app))
        app.synth()
        return json.loads((Path(outdir) / f"{stack.artifact_id}.template.json").read_text())


def env(region: str = "us-east-1") -> Environment:
    return Environment(region=region)
