"""Example stacks: thin compositions of the patterns, one module per stack."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aws_cdk import App, CloudFormationValidatePlugin, Environment, Stack, Validations
from aws_cdk.cx_api import CloudAssembly
from cdk_nag import AwsSolutionsChecks

from patterns.checks import CloudDesignPatternChecks

from . import context
from .ami import AmiMaintenanceStack
from .async_work import AsyncWorkStack
from .containers import ContainerClusterStack
from .context import ContextError as ContextError
from .hpc import HpcTrainingStack
from .hybrid_dns import HybridDnsStack
from .network import NetworkStack
from .security_baseline import SecurityBaselineStack
from .serverless_web import ServerlessWebAlarmsStack, ServerlessWebEdgeStack, ServerlessWebStack

ROOT = Path(__file__).resolve().parent.parent


def feature_flags() -> dict[str, Any]:
    """The feature flags of cdk.json, so that an in-process App (tests, bench) matches `cdk synth`."""
    flags: dict[str, Any] = json.loads((ROOT / "cdk.json").read_text())["context"]
    return flags


NETWORK_STACK = "CdpNetwork"

EXAMPLE_STACKS: dict[str, tuple[type[Stack], str]] = {
    NETWORK_STACK: (
        NetworkStack,
        "cdp-patterns: the shared network (VPC tiers with stateless NACLs, endpoints, site-to-site VPN)",
    ),
    "CdpSecurityBaseline": (
        SecurityBaselineStack,
        "cdp-patterns: security baseline (WAF edge protection, AWS Config rules, Systems Manager)",
    ),
    "CdpHybridDns": (
        HybridDnsStack,
        "cdp-patterns: hybrid DNS (Route 53 Resolver endpoints, forward rules, private zones) over the VPN",
    ),
    "CdpAmiMaintenance": (
        AmiMaintenanceStack,
        "cdp-patterns: AMI maintenance (golden image pipeline, AMI backups, fleet configured at boot, no SSH)",
    ),
    "CdpHpcTraining": (
        HpcTrainingStack,
        "cdp-patterns: HPC / deep-learning training (Batch GPU nodes from zero, EFA, FSx for Lustre, pipeline)",
    ),
    "CdpServerlessWebEdge": (
        ServerlessWebEdgeStack,
        "cdp-patterns: serverless web, CloudFront-scoped pieces in us-east-1 (WAF web ACL, certificate)",
    ),
    "CdpServerlessWebAlarms": (
        ServerlessWebAlarmsStack,
        "cdp-patterns: serverless web, CloudFront alarms in us-east-1 (CloudFront metrics live there)",
    ),
    "CdpServerlessWeb": (
        ServerlessWebStack,
        "cdp-patterns: serverless web (static site rendered on first request, Cognito-protected API over DynamoDB)",
    ),
    "CdpAsyncWork": (
        AsyncWorkStack,
        "cdp-patterns: async work (SQS-delay polling by Lambda and by a Beanstalk worker, Step Functions polling, queue-scaled Fargate workers)",
    ),
    "CdpContainers": (
        ContainerClusterStack,
        "cdp-patterns: container cluster (ECS with EC2 capacity, registry for CI, service behind an ALB, migration task)",
    ),
}
"""Every example stack: name -> (class, description). app.py and the tests both build from this."""


def _needed(names: Iterable[str]) -> set[str]:
    """``names`` and every stack they take (the shared network, their us-east-1 companions)."""
    needed: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        cls, _ = EXAMPLE_STACKS[name]
        todo += list(getattr(cls, "COMPANIONS", {}).values())
        if getattr(cls, "USES_NETWORK", False):
            todo.append(NETWORK_STACK)
    return needed


def build(app: App, *, only: Iterable[str] | None = None, checks: bool = True) -> dict[str, Stack]:
    """Add every example stack (or ``only`` these, with the stacks they take) and, with ``checks``, the
    policy checks to ``app``; return the stacks by name.

    Every context key is checked first: a mistake raises one ``ContextError`` (a one-line message
    naming the keys) before any stack is built. A stack class may pin its region (``REGION``: the
    CloudFront companions live in us-east-1) and name the stacks it takes (``COMPANIONS``: argument ->
    stack name, wired with cross-region references).
    """
    context.validate(app)
    region = context.region(app)
    stacks: dict[str, Stack] = {}
    wanted = _needed(only) if only is not None else set(EXAMPLE_STACKS)
    for name, (cls, description) in EXAMPLE_STACKS.items():
        if name not in wanted:
            continue
        # Stacks that run in a VPC share the network stack's (declared first).
        extra: dict[str, Any] = {}
        if getattr(cls, "USES_NETWORK", False):
            network_stack = stacks[NETWORK_STACK]
            assert isinstance(network_stack, NetworkStack)
            extra = {"network": network_stack.network}
        companions: dict[str, str] = getattr(cls, "COMPANIONS", {})
        extra.update({argument: stacks[stack_name] for argument, stack_name in companions.items()})
        if companions:
            extra["cross_region_references"] = True
        env = Environment(region=getattr(cls, "REGION", region))
        stacks[name] = cls(app, name, env=env, description=description, **extra)
    if checks:
        Validations.of(app).add_plugins(AwsSolutionsChecks(app), CloudDesignPatternChecks())
        if os.environ.get("CDK_VALIDATION") != "false":  # `cdk synth --no-validation` turns it off
            Validations.of(app).add_plugins(CloudFormationValidatePlugin(include_default_rules=False))
    return stacks


CDK_DEFAULT_RULES = ("gamelift-fleet.rego",)
"""The Rego rule files aws-cdk-lib's CloudFormation validation adds to its schema checks by default:
GameLift fleets only (aws-cdk-lib 2.275). The example app builds no GameLift resource, so ``build``
registers the validation plugin without them: the schema validation of every template stays, and
loading the engine takes ~0.3 s less. A test fails when an aws-cdk-lib upgrade adds default rules."""


def unacknowledged_findings(outdir: str | Path) -> list[str]:
    """Every violation left in the assembly's validation report, warnings included."""
    report_path = Path(outdir) / "validation-report.json"
    if not report_path.exists():
        return []
    report = json.loads(report_path.read_text())
    return [
        f"{plugin['pluginName']} {violation['severity']} {violation['ruleName']}: "
        + ", ".join(c["constructPath"] for c in violation["violatingConstructs"])
        for plugin in report.get("pluginReports", [])
        for violation in plugin.get("violations", [])
    ]


def synth(app: App) -> CloudAssembly:
    """Synthesize; fail on any unacknowledged finding. CDK fails on errors itself; warnings fail here too."""
    assembly = app.synth()
    findings = unacknowledged_findings(assembly.directory)
    if findings:
        raise SystemExit(
            "Unacknowledged policy findings (acknowledge each with a reason, or fix it):\n  "
            + "\n  ".join(findings)
        )
    return assembly


def create_app(**kwargs: Any) -> App:
    """An App with cdk.json's feature flags and every example stack (used by tests and benchmarks)."""
    # Same as the CDK CLI: construct paths in the template metadata (the review report groups by them).
    ctx = {**feature_flags(), "aws:cdk:enable-path-metadata": True, **kwargs.pop("context", {})}
    app = App(context=ctx, **kwargs)
    build(app)
    return app
