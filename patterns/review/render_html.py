"""One self-contained HTML page for every stack: inline CSS, inline SVG diagrams, no scripts or external assets.

The page fits its width: the diagrams scale down with the column, tables wrap their cells.
"""

from __future__ import annotations

import re
from html import escape

from . import prices
from .diagram import EDGE_STYLES, PALETTE
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
    money,
    sections,
    summary,
)
from .report import StackReport
from .svg import render_svg

CSS = """
:root{color-scheme:light;--fg:#1d1d1f;--muted:#5f6368;--line:#d9dce1;--head:#f4f6f8;--warn:#a4262c;--warnbg:#fdf0f0}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);background:#fff}
main{max-width:1360px;margin:0 auto;padding:24px 32px 64px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:22px;margin:48px 0 4px;padding-top:16px;border-top:3px solid #232f3e}
h3{font-size:17px;margin:28px 0 8px}
p{margin:8px 0}
.muted{color:var(--muted);font-size:13.5px}
.desc{color:var(--muted);margin:0 0 8px}
code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f1f3f5;padding:1px 4px;
border-radius:3px;overflow-wrap:break-word}
.path{color:var(--muted);font-size:12.5px;display:block;overflow-wrap:break-word}
.flag{color:var(--warn);background:var(--warnbg);font-weight:600;padding:0 4px;border-radius:3px}
table{border-collapse:collapse;width:100%;margin:8px 0 12px;font-size:13.5px}
th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
td{overflow-wrap:anywhere;min-width:6.5em}
th{overflow-wrap:anywhere}
th{background:var(--head);font-weight:600}
tbody tr:nth-child(even){background:#fafbfc}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num{white-space:nowrap}
tfoot td{font-weight:700;background:var(--head)}
details{margin:8px 0}
summary{cursor:pointer;color:#0b57d0}
ul{margin:6px 0;padding-left:22px}
li{margin:2px 0}
.toc{border:1px solid var(--line);border-radius:6px;padding:12px 16px;background:#fbfcfd}
.toc table{margin:4px 0 0}
.toc a{font-weight:600}
.diagram{border:1px solid var(--line);border-radius:6px;padding:8px;overflow-x:auto;background:#fff}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:12.5px;color:var(--muted);margin:6px 0}
.legend span{display:inline-flex;align-items:center;gap:5px}
.legend i{display:inline-block;width:14px;height:10px;border:1.5px solid;border-radius:2px}
a{color:#0b57d0;text-decoration:none}
a:hover{text-decoration:underline}
@media print{h2{break-before:page}.diagram{overflow:visible}}
"""


def _anchor(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "stack"


def _inline(part: Inline) -> str:
    if isinstance(part, Code):
        return f"<code>{escape(part.text)}</code>"
    if isinstance(part, Flag):
        return f'<span class="flag">{escape(part.text)}</span>'
    return escape(part)


def _cell(cell: Cell) -> str:
    parts = cell if isinstance(cell, list) else [cell]
    out: list[str] = []
    for part in parts:
        # the construct path after a logical id reads better on its own line
        text = part.strip() if isinstance(part, str) else ""
        if text.startswith("(") and text.endswith(")") and "/" in text and out:
            out.append(f'<span class="path">{escape(text[1:-1])}</span>')
        else:
            out.append(_inline(part))
    return "".join(out)


def _block(block: Block, stack_anchor: str, counter: list[int]) -> str:
    if isinstance(block, Para):
        return f"<p{' class=muted' if block.muted else ''}>{''.join(_inline(p) for p in block.parts)}</p>"
    if isinstance(block, Table):

        def cls(i: int) -> str:
            return ' class="num"' if i in block.numeric else ""

        head = "".join(f"<th{cls(i)}>{escape(h)}</th>" for i, h in enumerate(block.headers))
        body = "".join(
            "<tr>" + "".join(f"<td{cls(i)}>{_cell(c)}</td>" for i, c in enumerate(row)) + "</tr>"
            for row in block.rows
        )
        foot = (
            (
                "<tfoot><tr>"
                + "".join(f"<td{cls(i)}>{_cell(c)}</td>" for i, c in enumerate(block.footer))
                + "</tr></tfoot>"
            )
            if block.footer
            else ""
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>{foot}</table>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_cell(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, Diagram):
        counter[0] += 1
        boxes = "".join(
            f'<span><i style="background:{fill};border-color:{stroke}"></i>{name}</span>'
            for name, (fill, stroke) in PALETTE.items()
        )
        arrows = "".join(
            f'<span><svg width="26" height="8" aria-hidden="true"><line x1="0" y1="4" x2="26" y2="4" '
            f'stroke="{colour}" stroke-width="{width}"{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""}/>'
            f"</svg>{kind}</span>"
            for kind, (colour, dash, width) in EDGE_STYLES.items()
        )
        svg = render_svg(block.graph, title=block.title, uid=f"{stack_anchor}-{counter[0]}")
        return (
            f'<div class="legend">{boxes}</div><div class="legend">{arrows}</div>'
            f'<div class="diagram">{svg}</div>'
        )
    if isinstance(block, Details):
        inner = "".join(_block(b, stack_anchor, counter) for b in block.blocks)
        return f"<details><summary>{escape(block.summary)}</summary>{inner}</details>"
    raise TypeError(block)


def _stack_html(report: StackReport, anchor: str) -> str:
    description = report.stack.template.get("Description")
    parts = [f'<h2 id="{anchor}">Stack <code>{escape(report.name)}</code></h2>']
    if isinstance(description, str) and description:
        parts.append(f'<p class="desc">{escape(description)}</p>')
    parts.append(f"<p>{''.join(_inline(p) for p in summary(report))}</p>")
    counter = [0]
    for section in sections(report):
        parts.append(f'<h3 id="{anchor}-{section.anchor}">{escape(section.title)}</h3>')
        parts.extend(_block(block, anchor, counter) for block in section.blocks)
    return "\n".join(parts)


def _prices_html() -> str:
    rows = "".join(
        f'<tr><td>{escape(row.what)}</td><td class="num">${row.usd:g}</td><td>{escape(row.unit)}</td>'
        f'<td><a href="{escape(row.source)}">{escape(row.source)}</a></td></tr>'
        for row in prices.table()
    )
    return (
        '\n<h2 id="prices">Prices used</h2>'
        f'<p class="muted">{prices.REGION} on-demand list prices in USD as of {prices.PRICES_AS_OF}, '
        f"{prices.HOURS_PER_MONTH} hours a month (patterns/review/prices.py). List prices change: check the "
        "source before quoting a figure.</p>"
        '<table><thead><tr><th>Price</th><th class="num">USD</th><th>Per</th><th>Source</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def render_html(reports: list[StackReport], *, title: str = "Infrastructure review") -> str:
    anchors: dict[str, str] = {}
    for report in reports:
        anchor = _anchor(report.name)
        while anchor in anchors.values():
            anchor += "-x"
        anchors[report.name] = anchor
    toc_rows = "".join(
        f'<tr><td><a href="#{anchors[r.name]}">{escape(r.name)}</a></td><td class="num">{r.resource_count}</td>'
        f'<td class="num">{len(r.exposure)}</td>'
        f'<td class="num">{sum(1 for role in r.roles if role.flagged)} / {len(r.roles)}</td>'
        f'<td class="num">{sum(1 for s in r.stateful if not s.retained)} / {len(r.stateful)}</td>'
        f'<td class="num">{money(r.cost.total)}</td><td class="num">{len(r.cost.not_costed)}</td></tr>'
        for r in reports
    )
    total = sum(r.cost.total for r in reports)
    toc = (
        '<nav class="toc"><strong>Stacks</strong><table><thead><tr><th>Stack</th><th class="num">Resources</th>'
        '<th class="num">Internet-facing endpoints</th><th class="num">Roles with wildcards</th>'
        '<th class="num">Stateful not retained</th><th class="num">Idle USD/month</th>'
        '<th class="num">Not costed</th></tr></thead>'
        f"<tbody>{toc_rows}</tbody><tfoot><tr><td>All stacks</td>"
        f'<td class="num">{sum(r.resource_count for r in reports)}</td><td class="num">'
        f'{sum(len(r.exposure) for r in reports)}</td><td></td><td></td><td class="num">{money(total)}</td>'
        f'<td class="num">{sum(len(r.cost.not_costed) for r in reports)}</td></tr></tfoot></table></nav>'
    )
    body = "\n".join(_stack_html(r, anchors[r.name]) for r in reports) + _prices_html()
    intro = (
        f'<p class="muted">Generated from the synthesized templates by <code>python -m patterns.review</code>. '
        f"Costs: us-east-1 on-demand list prices as of {prices.PRICES_AS_OF}, fixed charges only "
        '(<a href="#prices">the prices used</a>).</p>'
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>\n"
        f"<body><main><h1>{escape(title)}</h1>{intro}{toc}\n{body}\n</main></body></html>\n"
    )
