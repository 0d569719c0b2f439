"""CDP-BatchMinVcpusZero (warning): a Batch compute environment keeps no instances while no job runs
(the deep-learning talk: start instances only for the training period)."""

from __future__ import annotations

from typing import Any

from ..model import COMPLIANT, NOT_APPLICABLE, Result, Severity, Template, non_compliant, number, props

RULE_ID = "CDP-BatchMinVcpusZero"
SEVERITY = Severity.WARNING
RESOURCE_TYPES = ("AWS::Batch::ComputeEnvironment",)
FIX = "Set minimum vCPUs to 0; the environment scales up when jobs are queued."


def evaluate(logical_id: str, resource: dict[str, Any], template: Template) -> Result:
    compute = props(resource).get("ComputeResources") or {}
    if not compute or compute.get("Type") in ("FARGATE", "FARGATE_SPOT"):  # unmanaged, or Fargate
        return NOT_APPLICABLE
    minimum = number(compute.get("MinvCpus"), 0)
    if minimum is None:
        return NOT_APPLICABLE
    if minimum == 0:
        return COMPLIANT
    return non_compliant(
        f"Minimum vCPUs is {minimum:g}: instances run and bill while no job does.",
        "Properties.ComputeResources.MinvCpus",
    )
