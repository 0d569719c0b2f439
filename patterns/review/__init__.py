"""A reviewer's report of a synthesized CDK app: ``python -m patterns.review [cdk.out] [--out DIR]``.

For each stack of the cloud assembly: an architecture diagram (one node per service resource with what
serves it folded in, typed data-flow edges, other stacks as nodes; Mermaid in Markdown, an igraph-laid-out
SVG that fits the page in HTML), every internet-facing endpoint with its authentication and WAF by severity,
an IAM summary per role, encryption and retention of stateful resources, and the estimated fixed monthly
cost while idle from one dated, cited price table. Install with ``pip install cdp-patterns[review]``;
``python -m patterns.review.browser`` checks the HTML in a headless Chromium.
"""

from .load import ReviewError, StackTemplate, load_assembly
from .report import StackReport, review
from .write import write_report

__all__ = ["ReviewError", "StackReport", "StackTemplate", "load_assembly", "review", "write_report"]
