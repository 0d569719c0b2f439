"""Shared fixtures: the example app is synthesized once per session; pattern tests get small stacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
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


_CONSUMER: dict[str, Any] = {}


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start the consumer-app build (tests/consumer/build.py) in the background: it runs on the second
    core while the other tests run; test_consumer_apps.py (collected last) waits for its result."""
    tests = Path(__file__).resolve().parent
    wanted = {tests, tests.parent, tests / "consumer", tests / "consumer" / "test_consumer_apps.py"}
    paths = {Path(str(arg).split("::")[0]).resolve() for arg in session.config.args or ["tests"]}
    if not paths & wanted:
        return
    outdir = tempfile.mkdtemp(prefix="cdp-consumer-")
    log = open(Path(outdir) / "build.log", "w")  # noqa: SIM115 - closed in the fixture
    _CONSUMER.update(
        outdir=Path(outdir),
        log=log,
        process=subprocess.Popen(
            [sys.executable, "-m", "tests.consumer.build", outdir],
            cwd=Path(__file__).resolve().parent.parent,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Consumer-app tests last: by then the background build has had the whole session to finish."""
    items.sort(key=lambda item: "tests/consumer/" in item.nodeid)


def pytest_sessionfinish(session: pytest.Session) -> None:
    process = _CONSUMER.get("process")
    if process is not None and process.poll() is None:
        process.kill()
        process.wait()
    if "log" in _CONSUMER and not _CONSUMER["log"].closed:
        _CONSUMER["log"].close()


@pytest.fixture(scope="session")
def consumer_results() -> dict[str, Any]:
    """What tests/consumer/build.py found, per consumer app."""
    if "process" not in _CONSUMER:
        pytest.skip("the consumer build starts only when tests/consumer is collected")
    process: subprocess.Popen[bytes] = _CONSUMER["process"]
    process.wait(timeout=600)
    _CONSUMER["log"].close()
    result = _CONSUMER["outdir"] / "result.json"
    if process.returncode != 0 or not result.exists():
        log_text = (_CONSUMER["outdir"] / "build.log").read_text()[-4000:]
        pytest.fail(f"the consumer build failed (exit {process.returncode}):\n{log_text}")
    return json.loads(result.read_text())


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
