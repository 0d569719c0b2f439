"""Shared fixtures: the example app is synthesized once per session; pattern tests get small stacks."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk.assertions import Template

from stacks import create_app, feature_flags, synth

# Moto and boto3 must never reach a real account from a test.
for _name, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}.items():
    os.environ[_name] = _value


@pytest.fixture(scope="session")
def example_assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole example app, synthesized once (cdk-nag runs as part of it)."""
    outdir = tmp_path_factory.mktemp("cdk.out")
    synth(create_app(outdir=str(outdir)))
    return outdir


@pytest.fixture(scope="session")
def example_templates(example_assembly: Path) -> dict[str, dict[str, Any]]:
    """Each example stack's template as JSON, by stack name."""
    manifest = json.loads((example_assembly / "manifest.json").read_text())
    templates = {}
    for name, artifact in manifest["artifacts"].items():
        if artifact["type"] == "aws:cloudformation:stack":
            path = example_assembly / artifact["properties"]["templateFile"]
            templates[name] = json.loads(path.read_text())
    return templates


@pytest.fixture(scope="session")
def example_template(example_templates: dict[str, dict[str, Any]]) -> Callable[[str], Template]:
    """``example_template("CdpSecurityBaseline")``: the assertions API over a synthesized example stack."""
    cache: dict[str, Template] = {}

    def get(name: str) -> Template:
        if name not in cache:
            cache[name] = Template.from_json(example_templates[name])
        return cache[name]

    return get


def new_stack(region: str = "us-east-1", **context: Any) -> Stack:
    """A stack in a fresh App with cdk.json's feature flags, for fine-grained pattern tests."""
    app = App(context={**feature_flags(), **context})
    return Stack(app, "Test", env=Environment(region=region))


def template_of(stack: Stack) -> Template:
    return Template.from_stack(stack)
