"""``python -m patterns.review [CDK_OUT] [--out DIR]``: write the review report; exit 2 on bad input."""

from __future__ import annotations

import argparse
import importlib.util
import sys

from .load import ReviewError
from .write import write_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m patterns.review",
        description="Write a reviewer's report (Markdown per stack + one HTML page) from a synthesized cdk.out.",
    )
    parser.add_argument(
        "cdk_out", nargs="?", default="cdk.out", help="the cloud assembly directory (cdk.out)"
    )
    parser.add_argument("--out", default=None, help="output directory (default: CDK_OUT/review)")
    args = parser.parse_args(argv)
    if importlib.util.find_spec("igraph") is None:
        print("review: the diagram layout needs igraph: pip install 'cdp-patterns[review]'", file=sys.stderr)
        return 2
    try:
        paths = write_report(args.cdk_out, args.out)
    except ReviewError as error:
        print(f"review: {error}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
