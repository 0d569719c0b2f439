"""checkov's pass ratio on the example app: ``python bench/checkov_ratio.py [cdk.out] [--min 0.93]``.

Runs checkov (``--framework cloudformation -o json``) on every ``cdk.out/*.template.json``, sums its
passed and failed checks, and prints the ratio passed / (passed + failed) twice: over every check
checkov ran (``raw``), and with the checks of ``SKIPPED`` left out of both counts (``gated``, what
``--min`` applies to). Every failure that remains is printed with its template and resource, and with
the reason it is left (``REASONS``). Exits 1 when the gated ratio is below ``--min``, or when a
failure has no reason recorded (a new finding: fix it, or say why it stays).

checkov pins an older boto3 than the project, so it lives in its own venv: ``make checkov`` creates
``.venv-checkov`` from requirements-checkov.txt and runs this script with ``--checkov`` pointing there.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

# Checks left out of the ratio: they do not apply to what the example app builds, by design.
SKIPPED: dict[str, str] = {
    "CKV_AWS_117": (
        "Lambda in a VPC: the library's functions call AWS APIs only, no private resources; a VPC would add "
        "NAT or endpoints and cold-start cost for no isolation gain."
    ),
    "CKV_AWS_115": (
        "Lambda reserved concurrency: reserving concurrency takes it from the account's pool; a new account "
        "(limit 10) refuses any reservation, so it cannot be a default. Callers set it on the function."
    ),
    "CKV_AWS_173": (
        "Lambda environment variables are encrypted at rest with an AWS managed key by default; the "
        "library's hold resource names and settings, not secrets."
    ),
    "CKV_AWS_120": (
        "API Gateway caching: a paid cache that serves stale reads; a per-API decision, not a default."
    ),
}

# Why each remaining failure is left: by check id, either one reason, or reasons by resource (the first
# key found in the resource's logical id wins; "" is the fallback).
REASONS: dict[str, str | dict[str, str]] = {
    "CKV_AWS_116": {
        "CompliancePublicDnsFunction": (
            "invoked by AWS Config, which re-runs the evaluation on its schedule and reports a failure as the "
            "rule's evaluation error (alarmed); a DLQ would hold evaluations nobody redrives."
        ),
        "": (
            "invoked synchronously or by a poller (API Gateway, a function URL, Step Functions, an SQS event "
            "source whose queue has a DLQ) or as a CloudFormation custom-resource handler, whose failure fails "
            "the deployment; Lambda's DLQ applies to asynchronous invocations only (the project's "
            "CDP-LambdaFailureDestination rule covers those)."
        ),
    },
    "CKV_AWS_18": (
        "The stack's server-access-log bucket (CdpAccessLogs) is the log target itself; logging it to "
        "itself would loop."
    ),
    "CKV_AWS_2": (
        "HTTP listener of an example load balancer without a certificate (the examples take no account or "
        "domain); with `certificate=` the constructs listen on HTTPS and redirect HTTP to HTTPS."
    ),
    "CKV_AWS_103": "Same listener as CKV_AWS_2: TLS applies once a certificate is given.",
    "CKV_AWS_260": (
        "Port 80 open to the internet on the public example load balancer without a certificate "
        "(with one, port 80 only redirects to HTTPS)."
    ),
    "CKV_AWS_174": (
        "The example site uses the CloudFront default certificate (*.cloudfront.net), whose TLS policy "
        "CloudFront fixes; with `domain=` the distribution uses TLSv1.2_2021."
    ),
    "CKV_AWS_111": (
        "Step Functions roles (the migration's and CDK's provider waiter): CloudWatch Logs delivery and "
        "X-Ray actions support no resource ARN; ecs:DescribeTasks/StopTask on * come from CDK's "
        "EcsRunTask .sync integration."
    ),
    "CKV_AWS_119": (
        "DynamoDB encrypts with an AWS owned or managed key by default; ApiBackend takes "
        "`table_encryption_key=` for a customer-managed key; the dedup table holds only expiring keys."
    ),
    "CKV_AWS_149": (
        "The example's X consumer secret uses the Secrets Manager AWS managed key; a customer-managed key is "
        "the caller's choice."
    ),
    "CKV_AWS_26": (
        "GoldenImagePipeline's notification topic: Image Builder publishes with its service-linked role, "
        "which may not exist before the first pipeline and so cannot be named in a new key's policy; pass "
        "an encrypted `notification_topic=` whose key grants that role."
    ),
}


def reason_for(check_id: str, resource: str) -> str:
    reason = REASONS.get(check_id)
    if isinstance(reason, dict):
        return next((text for key, text in reason.items() if key and key in resource), reason.get("", ""))
    return reason or "(no reason recorded)"


def run_checkov(checkov: str, templates: list[Path]) -> dict:
    """checkov's JSON report on ``templates`` (one run)."""
    command = [checkov, "--framework", "cloudformation", "-o", "json", "--compact"]
    for template in templates:
        command += ["-f", str(template)]
    # Offline: no download of Bridgecrew's guideline mappings.
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2="false")
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    # checkov exits 1 when a check fails; anything else, or no JSON, is an error.
    if result.returncode not in (0, 1) or not result.stdout.strip():
        sys.exit(f"checkov failed ({result.returncode}):\n{result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    if isinstance(report, list):  # several frameworks: keep CloudFormation's
        report = next(r for r in report if r.get("check_type") == "cloudformation")
    return report


def summarise(report: dict) -> tuple[int, int, int, int, list[dict]]:
    """(raw passed, raw failed, gated passed, gated failed, gated failures)."""
    results = report.get("results", {})
    passed = results.get("passed_checks", [])
    failed = results.get("failed_checks", [])
    gated_passed = [c for c in passed if c["check_id"] not in SKIPPED]
    gated_failed = [c for c in failed if c["check_id"] not in SKIPPED]
    return len(passed), len(failed), len(gated_passed), len(gated_failed), gated_failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cdk_out", nargs="?", default="cdk.out", type=Path)
    parser.add_argument("--checkov", default="checkov", help="the checkov executable")
    parser.add_argument("--min", type=float, default=0.93, help="fail below this gated pass ratio")
    args = parser.parse_args(argv)

    templates = sorted(args.cdk_out.glob("*.template.json"))
    if not templates:
        sys.exit(f"no *.template.json in {args.cdk_out}: run `make synth` first")
    report = run_checkov(args.checkov, templates)
    raw_p, raw_f, p, f, failures = summarise(report)

    print(f"checkov {report.get('summary', {}).get('checkov_version', '?')} on {len(templates)} templates")
    print("\nSkipped checks (left out of the gated ratio):")
    for check_id, reason in SKIPPED.items():
        print(f"  {check_id}: {reason}")
    print("\nRemaining failures:")
    width = max((len(c["resource"]) for c in failures), default=8)
    for c in sorted(failures, key=lambda c: (c["check_id"], c["file_path"], c["resource"])):
        template = Path(c["file_path"]).name.removesuffix(".template.json")
        print(f"  {c['check_id']:<12} {template:<20} {c['resource']:<{width}}  {c['check_name']}")
    print("\nWhy they remain:")
    counts = Counter((c["check_id"], reason_for(c["check_id"], c["resource"])) for c in failures)
    for (check_id, reason), count in sorted(counts.items()):
        print(f"  {check_id} ({count}): {reason}")
    unexplained = sum(n for (_, reason), n in counts.items() if reason == "(no reason recorded)")

    raw = raw_p / (raw_p + raw_f) if raw_p + raw_f else 1.0
    gated = p / (p + f) if p + f else 1.0
    print(f"\nraw pass ratio:   {raw_p}/{raw_p + raw_f} = {raw:.3f}")
    print(f"gated pass ratio: {p}/{p + f} = {gated:.3f} (minimum {args.min})")
    if gated < args.min:
        print(f"FAIL: {gated:.3f} < {args.min}")
        return 1
    if unexplained:
        print(f"FAIL: {unexplained} failures without a reason: fix them or record why (REASONS)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
