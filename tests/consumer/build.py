"""Build every public construct into users' apps, synthesize them, and report what a user would hit.

Per app: construction errors, unacknowledged cdk-nag / CloudDesignPatternChecks findings on library
resources and cfn-lint matches. It runs as the ``consumer`` job of tests/background.py (a second
process, on the second core, while the other tests run); ``test_consumer_apps.py`` reads the result.
"""

from __future__ import annotations

import json
import traceback
from pathlib import Path
from typing import Any

from aws_cdk import App, Environment, Stack, Validations
from cdk_nag import AwsSolutionsChecks

import patterns
from patterns.checks import CloudDesignPatternChecks
from stacks import feature_flags, unacknowledged_findings
from tests.consumer.catalog import AFTER, CATALOG, REGION, SECOND_COPY, Shared
from tests.support import cfn_lint

ACCOUNT = "111122223333"

APPS: dict[str, dict[str, Any]] = {
    # A user's existing app: no cdk.json feature flags, an explicit account, a region that is not us-east-1,
    # and two of every construct side by side in one stack.
    "bare-app-explicit-account-eu-west-1": {
        "flags": False,
        "env": Environment(account=ACCOUNT, region="eu-west-1"),
        "copies": 2,
    },
    # A fresh `cdk init` app: its feature flags, no account (account-agnostic), Tokyo.
    "init-flags-no-account-ap-northeast-1": {
        "flags": True,
        "env": Environment(region="ap-northeast-1"),
        "copies": 1,
    },
    # The two other corners: no flags and no account; the `cdk init` flags with an account.
    "bare-app-no-account-sa-east-1": {
        "flags": False,
        "env": Environment(region="sa-east-1"),
        "copies": 1,
    },
    "init-flags-explicit-account-eu-central-1": {
        "flags": True,
        "env": Environment(account=ACCOUNT, region="eu-central-1"),
        "copies": 1,
    },
}

COPY_SUFFIX = ("", "Two")


def build(name: str, settings: dict[str, Any], outdir: Path) -> dict[str, Any]:
    """One app; every construct in a stack of its own (with what it needs), ``copies`` of it side by side."""
    context = feature_flags() if settings["flags"] else {}
    app = App(outdir=str(outdir), context={**context, "aws:cdk:enable-path-metadata": True})
    errors: list[str] = []
    stacks: list[Stack] = []
    for construct in sorted(CATALOG):
        env = settings["env"]
        if construct in REGION:
            env = Environment(account=env.account, region=REGION[construct])
        stack = Stack(app, construct, env=env)
        stacks.append(stack)
        shared = Shared(stack)
        for copy in range(settings["copies"]):
            try:
                kwargs = {**CATALOG[construct](shared), **(SECOND_COPY.get(construct, {}) if copy else {})}
                made = getattr(patterns, construct)(stack, f"{construct}{COPY_SUFFIX[copy]}", **kwargs)
                if construct in AFTER:
                    AFTER[construct](shared, made)
            except Exception as error:
                errors.append(f"{construct} copy {copy + 1}: {type(error).__name__}: {error}")
    Validations.of(app).add_plugins(AwsSolutionsChecks(app), CloudDesignPatternChecks())
    try:
        app.synth()
    except Exception as error:
        if "ValidationFailed" not in str(error):
            errors.append(f"synth: {type(error).__name__}: {error}\n{traceback.format_exc(limit=3)}")
            return {"errors": errors, "findings": [], "lint": []}
    # Findings on what this harness built around the constructs (the shared VPC...) are not the library's.
    # The warning StaticSite promises outside us-east-1 without CloudFrontAlarms (never dropped silently).
    promised = "Annotation::cdp-patterns:staticSiteNoErrorRateAlarm"
    findings = [
        finding
        for finding in unacknowledged_findings(outdir)
        if not all("/Shared" in path for path in finding.split(": ", 1)[-1].split(", "))
        and promised not in finding
    ]
    lint = []
    for stack in stacks:
        template_file = outdir / f"{stack.artifact_id}.template.json"
        if template_file.exists():
            template = json.loads(template_file.read_text())
            lint += [
                f"{stack.stack_name}: {match}" for match in cfn_lint(template, region=settings["env"].region)
            ]
    return {"errors": errors, "findings": findings, "lint": lint}
