#!/usr/bin/env python3
"""Benchmark: full example-app `cdk synth` against a floor app (one empty stack), same CLI and venv.

Runs alternate (floor, full, floor, full, ...) so that machine noise hits both alike, then prints both
medians and their ratio. Each run is reported as it finishes (on stderr, flushed). The target: the full
app at most 3x the floor; above it (or with --max-ratio's value) the exit status is 1.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CDK = ROOT / "node_modules" / ".bin" / "cdk"
PYTHON = ROOT / ".venv" / "bin" / "python"


def synth_seconds(app_command: str, outdir: str) -> float:
    env = {**os.environ, "CDK_DISABLE_CLI_TELEMETRY": "true"}
    start = time.perf_counter()
    result = subprocess.run(
        [str(CDK), "synth", "--quiet", "--no-notices", "--app", app_command, "--output", outdir],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"cdk synth failed for {app_command!r}:\n{result.stderr}")
    return time.perf_counter() - start


TARGET_RATIO = 3.0


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs of each app (default 5)")
    parser.add_argument(
        "--max-ratio",
        type=float,
        default=TARGET_RATIO,
        help=f"fail above this ratio (default {TARGET_RATIO})",
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    apps = {"floor": f"{PYTHON} bench/floor_app.py", "full": f"{PYTHON} app.py"}
    times: dict[str, list[float]] = {name: [] for name in apps}
    with tempfile.TemporaryDirectory() as tmp:
        for name, command in apps.items():  # warm-up: imports, file cache
            progress(f"warm-up {name} ...")
            progress(f"warm-up {name}: {synth_seconds(command, f'{tmp}/{name}'):.2f}s")
        for run in range(1, args.runs + 1):
            for name, command in apps.items():
                seconds = synth_seconds(command, f"{tmp}/{name}")
                times[name].append(seconds)
                progress(f"run {run}/{args.runs} {name}: {seconds:.2f}s")
    floor, full = (statistics.median(times[name]) for name in apps)
    ratio = full / floor
    print(f"floor app (one empty stack): median {floor:.2f}s over {args.runs} runs")
    print(f"full example app:            median {full:.2f}s over {args.runs} runs")
    print(f"ratio full/floor:            {ratio:.2f}x (target: at most {args.max_ratio:g}x)")
    if ratio > args.max_ratio:
        print(f"FAIL: {ratio:.2f}x is above the target of {args.max_ratio:g}x", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
