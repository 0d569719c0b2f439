"""A reviewer's report of a synthesized CDK app: ``python -m patterns.review [cdk.out] [--out DIR]``.

For each stack of the cloud assembly: an architecture diagram (Mermaid in Markdown, an igraph-laid-out SVG
in HTML), resources by service, public exposure, an IAM summary per role, encryption and retention of stateful
resources, and the estimated fixed monthly cost while idle. Install with ``pip install cdp-patterns[review]``.
"""

from .load import ReviewError, StackTemplate, load_assembly
from .report import StackReport, review
from .write import write_report

__all__ = ["ReviewError", "StackReport", "StackTemplate", "load_assembly", "review", "write_report"]
