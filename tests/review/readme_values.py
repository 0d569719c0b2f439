"""The README values that come from the review report of the example app, and where they live.

``python -m tests.review.readme_values`` synthesizes the example app, reviews it and prints every README
line that differs from the report (``--write`` rewrites them in place; ``--screenshot`` also retakes
docs/review.png in a headless Chromium; ``--cdk-out DIR`` reviews an existing cloud assembly instead of
synthesizing one). tests/review/test_docs.py runs the same comparison.

- README.md: the excerpt of ``CdpServerlessWeb.md`` and the idle-cost table, each between
  ``<!-- review:NAME -->`` and ``<!-- /review:NAME -->`` markers, generated whole.
- patterns/<pattern>/README.md: one sentence per example stack, "... estimates the example stack `CdpX` at
  **$N/month** while idle", its figure checked against the report.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from patterns.review import load_assembly, review
from patterns.review.diagram import mermaid
from patterns.review.document import money
from patterns.review.render_md import render_markdown
from patterns.review.report import StackReport

ROOT = Path(__file__).resolve().parents[2]
COMMAND = "python -m tests.review.readme_values --write"
SCREENSHOT = "docs/review.png"
EXCERPT_STACK = "CdpServerlessWeb"
PATTERN_STACKS = {
    "network": "CdpNetwork",
    "security": "CdpSecurityBaseline",
    "dns": "CdpHybridDns",
    "ami": "CdpAmiMaintenance",
    "hpc": "CdpHpcTraining",
    "serverless_web": "CdpServerlessWeb",
    "async_work": "CdpAsyncWork",
    "containers": "CdpContainers",
}
"""The example stack whose idle cost each pattern README quotes."""
IDLE_SENTENCE = re.compile(
    r"estimates\s+the\s+example\s+stack\s+`(\w+)`\s+at\s+\*\*\$([\d,]+\.\d\d)/month\*\*"
)
"""The sentence of a pattern README that quotes its example stack's idle cost (it may wrap across lines)."""


@dataclass(frozen=True)
class Drift:
    """One README line to change: ``file`` (relative), 1-based ``line``, what it says and what it should say."""

    file: str
    line: int
    found: str
    expected: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: replace\n    {self.found}\nwith\n    {self.expected}"


def reports_of(cdk_out: str | Path) -> dict[str, StackReport]:
    return {stack.name: review(stack) for stack in load_assembly(cdk_out)}


def excerpt(reports: dict[str, StackReport]) -> list[str]:
    """The README excerpt: the serverless stack's summary line and exposure table, then its diagram."""
    report = reports[EXCERPT_STACK]
    text = render_markdown(report).splitlines()
    summary = next(line for line in text if "resources in" in line and "idle cost" in line)
    start = text.index("## Public exposure")
    table = [line for line in text[start + 1 : text.index("## IAM roles")] if line.startswith("|")]
    return [
        f"An excerpt (`cdk.out/review/{EXCERPT_STACK}.md`):",
        "",
        f"> {summary}",
        ">",
        *(f"> {line}" for line in table),
        "",
        "```mermaid",
        *mermaid(report.graph).splitlines(),
        "```",
    ]


def idle_table(reports: dict[str, StackReport]) -> list[str]:
    rows = [f"| `{name}` | {money(report.cost.total)} |" for name, report in reports.items()]
    total = sum(report.cost.total for report in reports.values())
    return [
        "| Example stack | Idle USD/month |",
        "|---|---:|",
        *rows,
        f"| **All** | **{money(total)}** |",
    ]


def _block(lines: list[str], name: str, file: str) -> tuple[int, int]:
    """The 0-based line numbers of the ``<!-- review:name -->`` and ``<!-- /review:name -->`` markers."""
    start, end = f"<!-- review:{name} -->", f"<!-- /review:{name} -->"
    if start not in lines or end not in lines:
        raise SystemExit(f"{file}: the markers {start} ... {end} are missing")
    return lines.index(start), lines.index(end)


def drifts(reports: dict[str, StackReport], root: Path = ROOT, write: bool = False) -> list[Drift]:
    """Every README line that differs from the report (rewritten in place when ``write``)."""
    found: list[Drift] = []
    readme = root / "README.md"
    lines = readme.read_text(encoding="utf-8").splitlines()
    for name, expected in (("excerpt", excerpt(reports)), ("idle-costs", idle_table(reports))):
        start, end = _block(lines, name, "README.md")
        current = lines[start + 1 : end]
        for number in range(max(len(current), len(expected))):
            have = current[number] if number < len(current) else "(nothing)"
            want = expected[number] if number < len(expected) else "(nothing)"
            if have != want:
                found.append(Drift("README.md", start + 2 + number, have, want))
        lines[start + 1 : end] = expected
    if write:
        readme.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for pattern, stack in PATTERN_STACKS.items():
        path = root / "patterns" / pattern / "README.md"
        file = str(path.relative_to(root))
        text = path.read_text(encoding="utf-8")
        quoted = False
        for match in reversed(list(IDLE_SENTENCE.finditer(text))):
            quoted = quoted or match.group(1) == stack
            named = reports.get(match.group(1))
            at = text.count("\n", 0, match.start(2)) + 1
            line = text.splitlines()[at - 1]
            if named is None:
                found.append(Drift(file, at, line, f"(no stack {match.group(1)} in the report)"))
                continue
            want = f"{named.cost.total:,.2f}"
            if match.group(2) != want:
                found.append(
                    Drift(file, at, line, line.replace(f"${match.group(2)}/month", f"${want}/month"))
                )
                text = text[: match.start(2)] + want + text[match.end(2) :]
        if not quoted:
            found.append(
                Drift(
                    file,
                    0,
                    "(no sentence)",
                    f"... estimates the example stack `{stack}` at **$N/month** while idle",
                )
            )
        if write:
            path.write_text(text, encoding="utf-8")
    return sorted(found, key=lambda d: (d.file, d.line))


def screenshot(reports: dict[str, StackReport], png: Path | None = None) -> Path:
    """A PNG of the excerpt stack's page (summary, diagram and the top of its tables) for the README."""
    from patterns.review.browser import screenshot as take
    from patterns.review.render_html import render_html

    with tempfile.TemporaryDirectory(prefix="review-page-") as tmp:
        page = Path(tmp) / "index.html"
        page.write_text(render_html([reports[EXCERPT_STACK]]), encoding="utf-8")
        return take(page, png or ROOT / SCREENSHOT, width=1400, height=1600)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.review.readme_values", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--cdk-out", help="review this cloud assembly instead of synthesizing the example app"
    )
    parser.add_argument("--write", action="store_true", help="rewrite the README lines in place")
    parser.add_argument(
        "--screenshot",
        action="store_true",
        help=f"also write {SCREENSHOT} (the {EXCERPT_STACK} page in a headless Chromium, 1400 px wide)",
    )
    args = parser.parse_args(argv)
    if args.cdk_out:
        reports = reports_of(args.cdk_out)
    else:
        from stacks import create_app, synth

        with tempfile.TemporaryDirectory(prefix="cdk.out-") as outdir:
            synth(create_app(outdir=outdir))
            reports = reports_of(outdir)
    if args.screenshot:
        print(screenshot(reports))
    found = drifts(reports, write=args.write)
    for drift in found:
        print(drift)
    if not found:
        print("The README values match the review report.")
    elif args.write:
        print(f"{len(found)} line(s) rewritten (no-sentence entries need a sentence by hand).")
    return 1 if found and not args.write else 0


if __name__ == "__main__":
    sys.exit(main())
