"""Example stacks: thin compositions of the patterns, one module per stack."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import App, Environment, Stack, Validations
from cdk_nag import AwsSolutionsChecks

from . import context
from .security_baseline import SecurityBaselineStack

ROOT = Path(__file__).resolve().parent.parent


def feature_flags() -> dict[str, Any]:
    """The feature flags of cdk.json, so that an in-process App (tests, bench) matches `cdk synth`."""
    return json.loads((ROOT / "cdk.json").read_text())["context"]


EXAMPLE_STACKS: dict[str, tuple[type[Stack], str]] = {
    "CdpSecurityBaseline": (
        SecurityBaselineStack,
        "cdp-patterns: security baseline (network tiers, VPN, edge protection, compliance)",
    ),
}
"""Every example stack: name -> (class, description). app.py and the tests both build from this."""


def build(app: App) -> dict[str, Stack]:
    """Add every example stack and the policy checks to ``app``; return the stacks by name."""
    env = Environment(region=context.text(app, "region", "us-east-1"))
    stacks = {
        name: cls(app, name, env=env, description=description)
        for name, (cls, description) in EXAMPLE_STACKS.items()
    }
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return stacks


def create_app(**kwargs: Any) -> App:
    """An App with cdk.json's feature flags and every example stack (used by tests and benchmarks)."""
    ctx = {**feature_flags(), **kwargs.pop("context", {})}
    app = App(context=ctx, **kwargs)
    build(app)
    return app
