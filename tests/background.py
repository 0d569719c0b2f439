"""Heavy builds that run in a second process while the test session runs (they use the second core).

``python -m tests.background OUTDIR JOB [JOB ...]`` runs each job in turn and writes ``OUTDIR/JOB.json``
(or ``OUTDIR/JOB.error`` with the traceback) as soon as it is done. Tests mark what they need with
``@pytest.mark.background("JOB")``; conftest.py starts this process after collection with the jobs of
the selected tests, and the ``background`` fixture waits for one job's result.

Jobs:
- ``consumer``: every public construct in users' apps (tests/consumer/build.py);
- ``deploy-time-values``: a number or list parameter given to every argument that can hold one
  (tests/consumer/tokens.py);
- ``deploy-variants``: the HPC stack with Slurm on PERSISTENT_2 and the web stack on a custom domain
  (tests/deploy);
- ``region-eu-west-1``, ``region-ap-northeast-1``: the whole example app with ``-c region=`` (the
  latter with a custom domain), synthesized with its policy checks; unacknowledged findings and the
  cfn-lint matches of each template in its own region.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

DOMAIN_CONTEXT = {
    "web_domain": "www.example.com",
    "web_zone_id": "Z0123456789ABCDEFGHIJ",
    "web_zone_name": "example.com",
}


def templates_of(outdir: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """Stack name -> (region, template) from a cloud assembly directory."""
    manifest = json.loads((outdir / "manifest.json").read_text())
    found = {}
    for name, artifact in manifest["artifacts"].items():
        if artifact["type"] == "aws:cloudformation:stack":
            region = artifact["environment"].rsplit("/", 1)[1]
            found[name] = (region, json.loads((outdir / artifact["properties"]["templateFile"]).read_text()))
    return found


def _region(region: str, outdir: Path) -> dict[str, Any]:
    from stacks import create_app, unacknowledged_findings
    from tests.support import cfn_lint

    extra = DOMAIN_CONTEXT if region == "ap-northeast-1" else {}
    create_app(outdir=str(outdir), context={"region": region, **extra}).synth()
    lint = {
        name: cfn_lint(template, region=stack_region)
        for name, (stack_region, template) in templates_of(outdir).items()
    }
    return {
        "outdir": str(outdir),
        "domain": bool(extra),
        "findings": unacknowledged_findings(outdir),
        "lint": lint,
    }


VARIANT_CONTEXT = {
    "hpc_slurm": "true",
    "hpc_fsx_deployment_type": "PERSISTENT_2",
    **DOMAIN_CONTEXT,
}
VARIANT_STACKS = ("CdpHpcTraining", "CdpServerlessWeb")


def _deploy_variants(outdir: Path) -> dict[str, Any]:
    """The deploy checks' variants: Slurm on PERSISTENT_2 Lustre, the web stack on a custom domain."""
    from aws_cdk import App

    from stacks import build, feature_flags

    app = App(outdir=str(outdir), context={**feature_flags(), **VARIANT_CONTEXT})
    build(app, only=VARIANT_STACKS, checks=False)
    assembly = app.synth()
    return {name: assembly.get_stack_by_name(name).template for name in VARIANT_STACKS}


def _consumer(outdir: Path) -> dict[str, Any]:
    from tests.consumer.build import APPS, build

    return {name: build(name, settings, outdir / name) for name, settings in APPS.items()}


def _deploy_time_values(outdir: Path) -> dict[str, Any]:
    from tests.consumer.tokens import run

    return run()


JOBS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "deploy-variants": _deploy_variants,
    "region-eu-west-1": lambda outdir: _region("eu-west-1", outdir),
    "region-ap-northeast-1": lambda outdir: _region("ap-northeast-1", outdir),
    "consumer": _consumer,
    "deploy-time-values": _deploy_time_values,
}
"""In the order they run (the tests that wait for them run in the same order, after the others)."""


def main(outdir: str, jobs: list[str]) -> None:
    import aws_cdk  # noqa: F401 - imported before the freeze below, like the session's tests

    gc.collect()
    gc.freeze()  # as in conftest.py: the long-lived import heap out of the cyclic collector's passes
    gc.set_threshold(50_000, 20, 20)
    root = Path(outdir)
    for job in jobs:
        try:
            result = JOBS[job](root / job)
        except BaseException:
            (root / f"{job}.error").write_text(traceback.format_exc())
            continue
        partial = root / f"{job}.json.partial"
        partial.write_text(json.dumps(result, indent=1))
        os.replace(partial, root / f"{job}.json")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
