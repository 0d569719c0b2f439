#!/usr/bin/env python3
"""Benchmark: full example-app `cdk synth` against a floor app (one empty stack), same CLI and venv.

Runs alternate (floor, full, floor, full, ...) so that machine noise hits both alike, then prints both
medians and their ratio. The target in the foundation issue: full app at most 3x the floor.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs of each app (default 5)")
    args = parser.parse_args()
    apps = {"floor": f"{PYTHON} bench/floor_app.py", "full": f"{PYTHON} app.py"}
    times: dict[str, list[float]] = {name: [] for name in apps}
    with tempfile.TemporaryDirectory() as tmp:
        for name, command in apps.items():  # warm-up: imports, file cache
            synth_seconds(command, f"{tmp}/{name}")
        for _ in range(args.runs):
            for name, command in apps.items():
                times[name].append(synth_seconds(command, f"{tmp}/{name}"))
    floor, full = (statistics.median(times[name]) for name in apps)
    print(f"floor app (one empty stack): median {floor:.2f}s over {args.runs} runs")
    print(f"full example app:            median {full:.2f}s over {args.runs} runs")
    print(f"ratio full/floor:            {full / floor:.2f}x (target: at most 3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
