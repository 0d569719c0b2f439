"""The HTML page and the Markdown blocks: each block type rendered (escaping, numeric columns, construct paths
on their own line), the table of contents with its totals, unique anchors, the legend, the price table, and
the document's helpers."""

from __future__ import annotations

import pytest

from patterns.review import render_html as h
from patterns.review import render_md as m
from patterns.review.document import Bullets, Code, Details, Flag, Para, Table, _principal, money
from patterns.review.load import StackTemplate
from patterns.review.render_md import render_markdown
from patterns.review.report import review
from tests.review.templates import res

TABLE = Table(
    ["H<1", "N"],
    [["a|b", "1"], [[Code("x"), " (p/q)"], Flag("2")]],
    numeric=frozenset({1}),
    footer=["T", "3"],
)


@pytest.mark.parametrize(
    ("text", "anchor"), [("Prod/Web Stack!", "Prod-Web-Stack"), ("///", "stack"), ("a_b-c", "a_b-c")]
)
def test_anchor(text, anchor):
    assert h._anchor(text) == anchor


@pytest.mark.parametrize(
    ("cell", "out"),
    [
        ([Code("Fn"), " (Api/Fn)"], '<code>Fn</code><span class="path">Api/Fn</span>'),
        ([Code("a<"), " (x/y) "], '<code>a&lt;</code><span class="path">x/y</span>'),
        ([" (no slash)"], " (no slash)"),
        (["(a/b)"], "(a/b)"),
        ([Code("a"), " (a/b"], "<code>a</code> (a/b"),
        ([Code("a"), " a/b)"], "<code>a</code> a/b)"),
        ("x<y", "x&lt;y"),
        (Flag("f&"), '<span class="flag">f&amp;</span>'),
    ],
)
def test_html_cell(cell, out):
    assert h._cell(cell) == out


def test_html_blocks():
    counter = [0]
    assert h._block(Para(["a", Code("b"), Flag("c")], muted=True), "s", counter) == (
        '<p class=muted>a<code>b</code><span class="flag">c</span></p>'
    )
    assert h._block(Para(["a&"]), "s", counter) == "<p>a&amp;</p>"
    assert h._block(TABLE, "s", counter) == (
        '<table><thead><tr><th>H&lt;1</th><th class="num">N</th></tr></thead><tbody>'
        '<tr><td>a|b</td><td class="num">1</td></tr>'
        '<tr><td><code>x</code><span class="path">p/q</span></td><td class="num"><span class="flag">2</span></td></tr>'
        '</tbody><tfoot><tr><td>T</td><td class="num">3</td></tr></tfoot></table>'
    )
    assert (
        h._block(Table(["H"], []), "s", counter)
        == "<table><thead><tr><th>H</th></tr></thead><tbody></tbody></table>"
    )
    assert (
        h._block(Bullets([["a", Code("b")], ["c"]]), "s", counter)
        == "<ul><li>a<code>b</code></li><li>c</li></ul>"
    )
    assert h._block(Details("S<", [Para(["p"]), Bullets([["i"]])]), "s", counter) == (
        "<details><summary>S&lt;</summary><p>p</p><ul><li>i</li></ul></details>"
    )
    assert counter == [0]
    with pytest.raises(TypeError):
        h._block("not a block", "s", counter)


def test_markdown_blocks():
    assert m._block(Para(["a", Code("b"), Flag("c")], muted=True)) == ["_a`b`**⚠ c**_", ""]
    assert m._block(Para(["line\nbreak | pipe"])) == ["line break | pipe", ""]
    assert m._block(TABLE) == [
        "| H<1 | N |",
        "|---|---:|",
        "| a\\|b | 1 |",
        "| `x` (p/q) | **⚠ 2** |",
        "| **T** | **3** |",
        "",
    ]
    assert m._block(Table(["A", "B", "C"], [[[], "x\ny", ""]], footer=["", " ", "z"])) == [
        "| A | B | C |",
        "|---|---|---|",
        "|   | x y |   |",
        "|   |   | **z** |",
        "",
    ]
    assert m._block(Bullets([["a", Code("b")], ["c"]])) == ["- a`b`", "- c", ""]
    assert m._block(Details("S", [Para(["p"]), Bullets([["i"]])])) == [
        "<details><summary>S</summary>",
        "",
        "p",
        "",
        "- i",
        "",
        "</details>",
        "",
    ]
    with pytest.raises(TypeError):
        m._block("not a block")


def _reports():
    role_policy = [{"PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]
    first = StackTemplate(
        "A",
        {
            "Description": "First <one>",
            "Resources": {
                "Nat": res("AWS::EC2::NatGateway"),
                "C": res("AWS::ElastiCache::CacheCluster"),
                "B": res("AWS::S3::Bucket"),
                "R": res("AWS::IAM::Role", Policies=role_policy),
                "Q": {**res("AWS::SQS::Queue"), "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"},
            },
        },
        paths={"Nat": "Net/Nat"},
        display_name="Prod/Web",
    )
    second = StackTemplate(
        "B",
        {"Resources": {"Zone": res("AWS::Route53::HostedZone")}, "Description": 5},
        display_name="Prod-Web",
    )
    return [review(first), review(second)]


@pytest.fixture  # per test, not per module: mutation testing credits a computation to the test that runs it
def page():
    return h.render_html(_reports(), title="T<itle")


def test_page_head_intro_and_table_of_contents(page):
    assert page.startswith(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>T&lt;itle</title><style>'
    )
    assert page.endswith("\n</main></body></html>\n")
    start = page.index("<body>")
    assert page[start : page.index("</nav>") + 6] == (
        '<body><main><h1>T&lt;itle</h1><p class="muted">Generated from the synthesized templates by '
        "<code>python -m patterns.review</code>. Costs: us-east-1 on-demand list prices as of 2026-01, fixed "
        'charges only (<a href="#prices">the prices used</a>).</p><nav class="toc"><strong>Stacks</strong><table>'
        '<thead><tr><th>Stack</th><th class="num">Resources</th><th class="num">Internet-facing endpoints</th>'
        '<th class="num">Roles with wildcards</th><th class="num">Stateful not retained</th>'
        '<th class="num">Idle USD/month</th><th class="num">Not costed</th></tr></thead><tbody>'
        '<tr><td><a href="#Prod-Web">Prod/Web</a></td><td class="num">5</td><td class="num">1</td>'
        '<td class="num">1 / 1</td><td class="num">1 / 2</td><td class="num">$32.85</td><td class="num">1</td></tr>'
        '<tr><td><a href="#Prod-Web-x">Prod-Web</a></td><td class="num">1</td><td class="num">0</td>'
        '<td class="num">0 / 0</td><td class="num">0 / 0</td><td class="num">$0.50</td><td class="num">0</td></tr>'
        '</tbody><tfoot><tr><td>All stacks</td><td class="num">6</td><td class="num">1</td><td></td><td></td>'
        '<td class="num">$33.35</td><td class="num">1</td></tr></tfoot></table></nav>'
    )
    assert "<title>Infrastructure review</title>" in h.render_html([])


def test_each_stack_with_its_anchor_description_summary_and_sections(page):
    first = page.index('<h2 id="Prod-Web">')
    assert page[first : page.index("<h3", first)] == (
        '<h2 id="Prod-Web">Stack <code>Prod/Web</code></h2>\n<p class="desc">First &lt;one&gt;</p>\n'
        '<p>5 resources in 5 services; <span class="flag">1 internet-facing endpoint(s)</span>; 1 IAM role(s), '
        '<span class="flag">1 with wildcards</span>; 2 stateful resource(s), <span class="flag">1 not retained'
        "</span>; idle cost ≈ $32.85/month (+1 not costed)</p>\n"
    )
    second = page.index('<h2 id="Prod-Web-x">')
    assert page[second : page.index("<h3", second)] == (
        '<h2 id="Prod-Web-x">Stack <code>Prod-Web</code></h2>\n'
        "<p>1 resources in 1 services; 0 internet-facing endpoint(s); 0 IAM role(s), 0 with wildcards; "
        "0 stateful resource(s), 0 not retained; idle cost ≈ $0.50/month</p>\n"
    )
    for anchor in ("Prod-Web", "Prod-Web-x"):
        for section in ("architecture", "exposure", "iam", "stateful", "cost", "services"):
            assert page.count(f'<h3 id="{anchor}-{section}">') == 1
    assert '<h3 id="Prod-Web-cost">Estimated fixed monthly cost while idle</h3>' in page
    assert 'uid="' not in page and 'id="Prod-Web-1-invokes"' in page and 'id="Prod-Web-x-1-invokes"' in page
    assert '<td><code>Nat</code><span class="path">Net/Nat</span></td>' in page


def test_the_legend_of_each_diagram(page):
    legend = (
        '<div class="legend"><span><i style="background:#e8f1fb;border-color:#2f6eb5"></i>network</span>'
        '<span><i style="background:#fdf0e3;border-color:#c86a12"></i>compute</span>'
        '<span><i style="background:#e9f6ec;border-color:#2e8b47"></i>storage</span>'
        '<span><i style="background:#fbeaea;border-color:#b83b3b"></i>security</span>'
        '<span><i style="background:#f2ecfa;border-color:#7248b5"></i>monitoring</span>'
        '<span><i style="background:#f1f1f1;border-color:#666666"></i>other</span>'
        '<span><i style="background:#ffffff;border-color:#444444"></i>external</span></div>'
        '<div class="legend"><span><svg width="26" height="8" aria-hidden="true"><line x1="0" y1="4" x2="26" '
        'y2="4" stroke="#c86a12" stroke-width="2.0"/></svg>invokes</span><span><svg width="26" height="8" '
        'aria-hidden="true"><line x1="0" y1="4" x2="26" y2="4" stroke="#2e8b47" stroke-width="2.0"/></svg>writes'
        '</span><span><svg width="26" height="8" aria-hidden="true"><line x1="0" y1="4" x2="26" y2="4" '
        'stroke="#7248b5" stroke-width="2.0"/></svg>sends</span><span><svg width="26" height="8" '
        'aria-hidden="true"><line x1="0" y1="4" x2="26" y2="4" stroke="#2f6eb5" stroke-width="2.0"/></svg>reads'
        '</span><span><svg width="26" height="8" aria-hidden="true"><line x1="0" y1="4" x2="26" y2="4" '
        'stroke="#9a9a9a" stroke-width="1.1" stroke-dasharray="4 3"/></svg>configures</span><span><svg width="26" '
        'height="8" aria-hidden="true"><line x1="0" y1="4" x2="26" y2="4" stroke="#444444" stroke-width="1.3" '
        'stroke-dasharray="1 3"/></svg>uses</span></div><div class="diagram"><svg '
    )
    assert page.count(legend) == 2


def test_the_price_table(page):
    start = page.index('<h2 id="prices">')
    assert page[start : page.index("<tbody>", start) + 7] == (
        '<h2 id="prices">Prices used</h2><p class="muted">us-east-1 on-demand list prices in USD as of 2026-01, '
        "730 hours a month (patterns/review/prices.py). List prices change: check the source before quoting a "
        'figure.</p><table><thead><tr><th>Price</th><th class="num">USD</th><th>Per</th><th>Source</th></tr>'
        "</thead><tbody>"
    )
    assert page[page.index("<tbody>", start) :].startswith(
        '<tbody><tr><td>NAT gateway</td><td class="num">$0.045</td><td>hour</td><td><a '
        'href="https://aws.amazon.com/vpc/pricing/">https://aws.amazon.com/vpc/pricing/</a></td></tr>'
    )
    assert (
        '<tr><td>FSx for Lustre storage, PERSISTENT_1 50 MB/s/TiB</td><td class="num">$0.145</td><td>GB-month</td>'
        in page
    )
    assert (
        '<tr><td>Shield Advanced subscription (noted, not in totals)</td><td class="num">$3000</td>' in page
    )


def test_markdown_title_and_description():
    first, second = _reports()
    assert render_markdown(first).startswith(
        "# Review of stack `Prod/Web`\n\n> First <one>\n\n5 resources in 5"
    )
    assert render_markdown(second).startswith("# Review of stack `Prod-Web`\n\n1 resources in 1 services; ")
    assert render_markdown(second).endswith("- `Zone`: AWS::Route53::HostedZone\n\n</details>\n")


@pytest.mark.parametrize(
    ("principal", "shown"),
    [
        ("lambda.amazonaws.com", "lambda"),
        ("AWS: arn:aws:iam::123456789012:root", "account 123456789012 (root)"),
        ("AWS: arn:{AWS::Partition}:iam::{AWS::AccountId}:root", "this account (root)"),
        ("AWS: arn:aws:iam::{AWS::AccountId}:root", "this account (root)"),
        ("AWS: arn:aws:iam::1:role/x", "AWS: arn:aws:iam::1:role/x"),
        ("anyone (*)", "anyone (*)"),
        ("amazonaws.com.evil", "amazonaws.com.evil"),
    ],
)
def test_principal(principal, shown):
    assert _principal(principal) == shown


@pytest.mark.parametrize(
    ("value", "text"), [(0, "$0.00"), (1234.5, "$1,234.50"), (0.005, "$0.01"), (32.849, "$32.85")]
)
def test_money(value, text):
    assert money(value) == text
