"""One Markdown file per stack (GitHub-flavoured: tables, a Mermaid block, <details>)."""

from __future__ import annotations

from .diagram import mermaid
from .document import (
    Block,
    Bullets,
    Cell,
    Code,
    Details,
    Diagram,
    Flag,
    Inline,
    Para,
    Table,
    sections,
    summary,
)
from .report import StackReport


def _inline(part: Inline, *, in_table: bool = False) -> str:
    if isinstance(part, Code):
        text = f"`{part.text}`"
    elif isinstance(part, Flag):
        text = f"**⚠ {part.text}**"
    else:
        text = part
    text = text.replace("\n", " ")
    return text.replace("|", "\\|") if in_table else text


def _cell(cell: Cell) -> str:
    parts = cell if isinstance(cell, list) else [cell]
    return "".join(_inline(p, in_table=True) for p in parts) or " "


def _block(block: Block) -> list[str]:
    if isinstance(block, Para):
        text = "".join(_inline(p) for p in block.parts)
        return [f"_{text}_" if block.muted else text, ""]
    if isinstance(block, Table):
        lines = [
            "| " + " | ".join(block.headers) + " |",
            "|" + "|".join("---:" if i in block.numeric else "---" for i in range(len(block.headers))) + "|",
        ]
        lines.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows)
        if block.footer:
            lines.append(
                "| " + " | ".join(f"**{_cell(c)}**" if _cell(c).strip() else " " for c in block.footer) + " |"
            )
        return [*lines, ""]
    if isinstance(block, Bullets):
        return [*("- " + "".join(_inline(p) for p in item) for item in block.items), ""]
    if isinstance(block, Diagram):
        return ["```mermaid", mermaid(block.graph), "```", ""]
    if isinstance(block, Details):
        inner = [line for b in block.blocks for line in _block(b)]
        return [f"<details><summary>{block.summary}</summary>", "", *inner, "</details>", ""]
    raise TypeError(block)


def render_markdown(report: StackReport) -> str:
    description = report.stack.template.get("Description")
    lines = [f"# Review of stack `{report.name}`", ""]
    if isinstance(description, str) and description:
        lines += [f"> {description}", ""]
    lines += ["".join(_inline(p) for p in summary(report)), ""]
    for section in sections(report):
        lines += [f"## {section.title}", ""]
        for block in section.blocks:
            lines += _block(block)
    return "\n".join(lines).rstrip() + "\n"
