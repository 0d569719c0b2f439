"""The report as a small document model (sections of paragraphs, tables, lists, the diagram) that both the
Markdown and the HTML renderers walk, so that the two always say the same thing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import prices
from .cfn import TIMES
from .cost import CostLine
from .diagram import Graph
from .report import StackReport


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Flag:
    """A callout: something a reviewer should look at."""

    text: str


Inline = str | Code | Flag
Cell = Inline | list[Inline]


@dataclass
class Para:
    parts: list[Inline]
    muted: bool = False


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Cell]]
    numeric: frozenset[int] = frozenset()
    footer: list[Cell] | None = None


@dataclass
class Bullets:
    items: list[list[Inline]]


@dataclass
class Diagram:
    graph: Graph
    title: str


@dataclass
class Details:
    summary: str
    blocks: list[Block]


Block = Para | Table | Bullets | Diagram | Details


@dataclass
class Section:
    title: str
    anchor: str
    blocks: list[Block] = field(default_factory=list)


def money(value: float) -> str:
    return f"${value:,.2f}"


def _resource(report: StackReport, logical_id: str) -> list[Inline]:
    path = report.path_of(logical_id)
    parts: list[Inline] = [Code(logical_id)]
    return parts + ([f" ({path})"] if path else [])


def summary(report: StackReport) -> list[Inline]:
    """One line: resources, exposure, flagged roles, unretained stateful resources, idle cost."""
    flagged = sum(1 for role in report.roles if role.flagged)
    loose = sum(1 for row in report.stateful if not row.retained)
    parts: list[Inline] = [
        f"{report.resource_count} resources in {len(report.services)} services; ",
        (Flag if any(e.severity in ("high", "medium") for e in report.exposure) else str)(
            f"{len(report.exposure)} internet-facing endpoint(s)"
        ),
        f"; {len(report.roles)} IAM role(s), ",
        (Flag if flagged else str)(f"{flagged} with wildcards"),
        f"; {len(report.stateful)} stateful resource(s), ",
        (Flag if loose else str)(f"{loose} not retained"),
        f"; idle cost ≈ {money(report.cost.total)}/month",
    ]
    if report.cost.not_costed:
        parts.append(f" (+{len(report.cost.not_costed)} not costed)")
    return parts


def architecture(report: StackReport) -> Section:
    section = Section("Architecture", "architecture")
    section.blocks.append(
        Para(
            [
                "One box per service resource (distribution, API, function, table, queue, user pool, "
                "cluster...), named by its construct path, with what serves it folded in (roles, policies, "
                "alarms, log groups, methods, subnets...). Arrows: invokes, writes, sends, reads (from "
                "integrations, event sources, rule targets, routing and IAM policies) are the data flow; "
                "configures is any other reference; uses points at another stack's outputs or a parameter."
            ],
            muted=True,
        )
    )
    section.blocks.append(Diagram(report.graph, f"{report.name} architecture"))
    return section


def services(report: StackReport) -> Section:
    section = Section("Resources by service", "services")
    rows: list[list[Cell]] = []
    for service, members in report.services.items():
        counts: dict[str, int] = {}
        for _, resource_type in members:
            counts[resource_type] = counts.get(resource_type, 0) + 1
        types = ", ".join(
            f"{t.rsplit('::', 1)[-1]} {TIMES}{n}" if n > 1 else t.rsplit("::", 1)[-1]
            for t, n in counts.items()
        )
        rows.append([service, str(len(members)), types])
    section.blocks.append(
        Table(
            ["Service", "Count", "Types"],
            rows,
            numeric=frozenset({1}),
            footer=["Total", str(report.resource_count), ""],
        )
    )
    listing = [
        [*_resource(report, lid), f": {t}"] for members in report.services.values() for lid, t in members
    ]
    section.blocks.append(Details(f"All {report.resource_count} resources", [Bullets(listing)]))
    return section


def exposure(report: StackReport) -> Section:
    section = Section("Public exposure", "exposure")
    section.blocks.append(
        Para(
            [
                "Every internet-facing endpoint (CloudFront, API Gateway REST/HTTP/WebSocket APIs that are not "
                "PRIVATE, internet-facing load balancers, Lambda function URLs, Cognito domains, AppSync, S3 "
                "website hosting and public bucket policies, Elastic IPs and public instances or tasks, Global "
                "Accelerator, Transfer Family and IoT endpoints) and world-open ingress, most severe first: "
                "high = no authentication and no WAF web ACL; medium = no authentication behind a WAF; "
                "low = authenticated, no WAF; info = authenticated behind a WAF, or outbound only."
            ],
            muted=True,
        )
    )
    if not report.exposure:
        section.blocks.append(Para(["Nothing in this stack is reachable from the internet."]))
        return section
    rows: list[list[Cell]] = []
    for item in report.exposure:
        severity: Cell = Flag(item.severity) if item.severity in ("high", "medium") else item.severity
        auth: Cell = Flag(item.auth) if item.auth == "none" else item.auth
        waf: Cell = Flag(item.waf) if item.waf == "no" else item.waf
        rows.append([severity, item.kind, _resource(report, item.logical_id), auth, waf, item.detail])
    section.blocks.append(Table(["Severity", "What", "Resource", "Authentication", "WAF", "Detail"], rows))
    return section


def _principal(text: str) -> str:
    """``lambda.amazonaws.com`` -> ``lambda``; ``AWS: arn:...:iam::{AWS::AccountId}:root`` -> ``this account``."""
    if text.endswith(".amazonaws.com"):
        return text.removesuffix(".amazonaws.com")
    match = re.fullmatch(r"AWS: arn:(?:\{AWS::Partition\}|[^:]*):iam::(.*):root", text)
    if match:
        account = match.group(1)
        return "this account (root)" if account == "{AWS::AccountId}" else f"account {account} (root)"
    return text


def iam(report: StackReport) -> Section:
    section = Section("IAM roles", "iam")
    if not report.roles:
        section.blocks.append(Para(["No IAM role in this stack."]))
        return section
    rows: list[list[Cell]] = []
    for role in report.roles:
        callouts: list[Inline] = []
        if role.wildcard_actions:
            callouts.append(Flag("wildcard actions: " + ", ".join(role.wildcard_actions)))
        if role.star_resource_actions:
            callouts.append(Flag(f'Resource "*": {", ".join(role.star_resource_actions)}'))
        if role.not_actions:
            callouts.append(Flag("NotAction: " + ", ".join(role.not_actions)))
        if role.broad_managed:
            callouts.append(Flag("broad managed policy: " + ", ".join(role.broad_managed)))
        checks: list[Inline] = [x for c in callouts for x in (c, "; ")][:-1] or ["none"]
        actions = (
            "; ".join(
                f"{svc}: {', '.join(a.split(':', 1)[-1] for a in acts)}"
                for svc, acts in role.services.items()
            )
            or "none inline or attached"
        )
        managed = ", ".join(role.managed_policies) or "none"
        assumed = ", ".join(_principal(p) for p in role.assumed_by) or "?"
        rows.append([_resource(report, role.logical_id), assumed, actions, managed, checks])
    section.blocks.append(
        Table(["Role", "Assumed by", "Actions by service", "Managed policies", "Wildcards"], rows)
    )
    return section


def stateful(report: StackReport) -> Section:
    section = Section("Stateful resources: encryption and retention", "stateful")
    if not report.stateful:
        section.blocks.append(Para(["No stateful resource in this stack."]))
        return section
    rows: list[list[Cell]] = []
    for row in report.stateful:
        deletion: Cell = (
            row.deletion_policy
            if row.deletion_policy.startswith("Retain") or row.deletion_policy == "Snapshot"
            else Flag(row.deletion_policy)
        )
        replace: Cell = (
            row.update_replace_policy
            if row.update_replace_policy.startswith("Retain") or row.update_replace_policy == "Snapshot"
            else Flag(row.update_replace_policy)
        )
        encryption: Cell = Flag(row.encryption) if row.encryption.startswith("none") else row.encryption
        rows.append(
            [_resource(report, row.logical_id), row.resource_type, encryption, deletion, replace, row.notes]
        )
    section.blocks.append(
        Table(["Resource", "Type", "Encryption", "DeletionPolicy", "UpdateReplacePolicy", "Notes"], rows)
    )
    return section


def cost(report: StackReport) -> Section:
    section = Section("Estimated fixed monthly cost while idle", "cost")
    c = report.cost
    section.blocks.append(
        Para(
            [
                f"us-east-1 on-demand list prices as of {prices.PRICES_AS_OF}, "
                f"{prices.HOURS_PER_MONTH} hours a month (patterns/review/prices.py cites each "
                "source). Usage (requests, GB processed, storage used, LCUs) comes on top."
            ],
            muted=True,
        )
    )
    if c.lines:
        section.blocks.append(
            Table(
                ["Resource", "Type", "USD/month", "Basis"],
                _cost_rows(report),
                numeric=frozenset({2}),
                footer=["Total", "", money(c.total), ""],
            )
        )
    else:
        section.blocks.append(Para(["Nothing in this stack bills while idle: total $0.00/month."]))
    for note in c.notes:
        section.blocks.append(Para([Flag(note)]))
    if c.not_costed:
        section.blocks.append(
            Para(
                [Flag(f"Not costed ({len(c.not_costed)}): types or settings the price table does not cover")]
            )
        )
        section.blocks.append(
            Bullets([[*_resource(report, lid), f": {t}: {why}"] for lid, t, why in c.not_costed])
        )
    if c.idle_free:
        items: list[list[Inline]] = [[f"{t} {TIMES}{n}: {why}"] for t, (n, why) in c.idle_free.items()]
        section.blocks.append(
            Details(f"$0 while idle: {sum(n for n, _ in c.idle_free.values())} resources", [Bullets(items)])
        )
    return section


SMALL = 1.0
"""Lines under this many dollars a month are summed per type (a stack's dozen alarms make one row)."""


def _cost_rows(report: StackReport) -> list[list[Cell]]:
    by_type: dict[str, list[CostLine]] = {}
    for line in report.cost.lines:
        by_type.setdefault(line.resource_type, []).append(line)
    rows: list[tuple[float, list[Cell]]] = []
    for resource_type, lines in by_type.items():
        small = [line for line in lines if line.monthly < SMALL]
        if len(small) > 1:
            total = round(sum(line.monthly for line in small), 2)
            bases: dict[str, int] = {}
            for line in small:
                bases[line.basis] = bases.get(line.basis, 0) + 1
            basis = "; ".join(f"{n} {TIMES} ({b})" if n > 1 else b for b, n in bases.items())
            rows.append((total, [f"{len(small)} resources", resource_type, money(total), basis]))
            lines = [line for line in lines if line.monthly >= SMALL]
        rows.extend(
            (
                line.monthly,
                [_resource(report, line.logical_id), line.resource_type, money(line.monthly), line.basis],
            )
            for line in lines
        )
    return [cells for _, cells in sorted(rows, key=lambda row: -row[0])]


def sections(report: StackReport) -> list[Section]:
    return [
        architecture(report),
        exposure(report),
        iam(report),
        stateful(report),
        cost(report),
        services(report),
    ]
