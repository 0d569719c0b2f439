"""Write the report files: ``<out>/<Stack>.md`` per stack and ``<out>/index.html`` for all of them."""

from __future__ import annotations

import re
from pathlib import Path

from .load import ReviewError, load_assembly
from .render_html import render_html
from .render_md import render_markdown
from .report import review


def _file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "stack"


def write_report(cdk_out: str | Path, out_dir: str | Path | None = None) -> list[Path]:
    """Review every stack of ``cdk_out``; return the written paths (Markdown files, then index.html)."""
    stacks = load_assembly(cdk_out)
    reports = [review(stack) for stack in stacks]
    out = Path(out_dir) if out_dir is not None else Path(cdk_out) / "review"
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        used: set[str] = set()
        for report in reports:
            name = _file_name(report.name)
            while name in used:
                name += "_"
            used.add(name)
            path = out / f"{name}.md"
            path.write_text(render_markdown(report), encoding="utf-8")
            written.append(path)
        index = out / "index.html"
        index.write_text(render_html(reports), encoding="utf-8")
    except OSError as error:
        raise ReviewError(f"cannot write the report to {out}: {error.strerror or error}") from None
    written.append(index)
    return written
