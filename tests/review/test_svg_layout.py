"""The SVG diagram's geometry, computed here from its constants (boxes 212 px wide, 10 px padding, 54 px between
rows, a 1240 px drawing): box positions and heights, edge attachment points, curves through the slots kept for
long edges, and the whole SVG of a three-node graph."""

from __future__ import annotations

import re

import pytest

from patterns.review import svg
from patterns.review.diagram import Edge, Graph, Node


def _fn(key: str) -> Node:
    return Node(key, "Lambda function", key, [(key, "AWS::Lambda::Function")])


@pytest.fixture(scope="module")
def small():
    fn = Node(
        "Fn", "Lambda function", "Api/Fn", [("Fn", "AWS::Lambda::Function"), ("Role", "AWS::IAM::Role")]
    )
    table = Node("T", "DynamoDB table", "Api/Table", [("T", "AWS::DynamoDB::Table")])
    parameter = Node("param:P", "parameter", "P", external=True)
    return Graph(
        [fn, table, parameter],
        [Edge("Fn", "T", "writes", ["dynamodb:PutItem"]), Edge("Fn", "param:P", "uses", ["P"])],
    )


def test_layout_of_a_column(small):
    # heights: 2 * 10 padding + (12.5 + 3) kind + (13 + 3) name [+ (11.5 + 3) folded] + 2 = 68.0 or 53.5
    # one box per row, centred: (1240 - 212) / 2 = 514; rows 54 px apart; 14 px margins
    assert svg.layout(small) == ([(514.0, 14.0, 68.0), (514.0, 136.0, 53.5), (514.0, 243.5, 53.5)], {}, 311.0)


SMALL_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1240 311" width="100%" '
    'style="max-width:1240px;height:auto;display:block" role="img" aria-label="A &lt;b&gt;" '
    'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"><defs>'
    + "".join(
        f'<marker id="u-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for kind, colour in [
            ("invokes", "#c86a12"),
            ("writes", "#2e8b47"),
            ("sends", "#7248b5"),
            ("reads", "#2f6eb5"),
            ("configures", "#9a9a9a"),
            ("uses", "#444444"),
        ]
    )
    + "</defs><style>.k{font-size:12.5px;font-weight:600;fill:#1d1d1d}.n{font-size:13.0px;fill:#1d1d1d}"
    ".f{font-size:11.5px;fill:#555}</style>"
    # edges last to first; both leave Fn's bottom (82.0) at 15% and 85% of its width (545.8, 694.2) and enter
    # their target's top 2 px above it; control points half the height apart (at least 24 px)
    '<path d="M694.2,82.0 C694.2,161.8 620.0,161.8 620.0,241.5" fill="none" stroke="#444444" stroke-width="1.3" '
    'stroke-dasharray="1 3" marker-end="url(#u-uses)"><title>Api/Fn uses P (P)</title></path>'
    '<path d="M545.8,82.0 C545.8,108.0 620.0,108.0 620.0,134.0" fill="none" stroke="#2e8b47" stroke-width="2.0" '
    'marker-end="url(#u-writes)"><title>Api/Fn writes Api/Table (dynamodb:PutItem)</title></path>'
    '<g class="node"><title>Lambda function: Api/Fn\nFn (AWS::Lambda::Function)\nRole (AWS::IAM::Role)</title>'
    '<rect x="514.0" y="14.0" width="212" height="68.0" rx="6" fill="#fdf0e3" stroke="#c86a12" stroke-width="1.5"/>'
    '<text x="524.0" y="36.5" class="k">Lambda function</text><text x="524.0" y="52.5" class="n">Api/Fn</text>'
    '<text x="524.0" y="67.0" class="f">+ role</text></g>'
    '<g class="node"><title>DynamoDB table: Api/Table\nT (AWS::DynamoDB::Table)</title>'
    '<rect x="514.0" y="136.0" width="212" height="53.5" rx="6" fill="#e9f6ec" stroke="#2e8b47" stroke-width="1.5"/>'
    '<text x="524.0" y="158.5" class="k">DynamoDB table</text><text x="524.0" y="174.5" class="n">Api/Table</text></g>'
    '<g class="node"><title>parameter: P\n</title>'
    '<rect x="514.0" y="243.5" width="212" height="53.5" rx="6" fill="#ffffff" stroke="#444444" stroke-width="1.5" '
    'stroke-dasharray="5 3"/><text x="524.0" y="266.0" class="k">parameter</text>'
    '<text x="524.0" y="282.0" class="n">P</text></g></svg>'
)


def test_the_whole_svg_of_a_small_graph(small):
    assert svg.render_svg(small, title="A <b>", uid="u") == SMALL_SVG


def test_default_title_and_marker_ids(small):
    out = svg.render_svg(small)
    assert 'aria-label="architecture diagram"' in out and 'marker-end="url(#d-writes)"' in out


def test_long_edges_upward_edges_and_edges_within_a_row():
    graph = Graph(
        [_fn("A"), _fn("B"), _fn("C"), _fn("D"), _fn("E")],
        [
            Edge("A", "B", "invokes"),
            Edge("B", "C", "invokes"),
            Edge("A", "C", "writes"),
            Edge("C", "A", "sends"),
            Edge("D", "E", "configures"),
        ],
    )
    # B's row holds B and a 14 px slot for each long edge: 212 + 12 + 14 + 4 + 14 = 256 wide, from x = 492;
    # the slots' middles at 492 + 212 + 12 + 7 = 723 and 723 + 7 + 4 + 7 = 741. D and E share the last row.
    assert svg.layout(graph) == (
        [
            (514.0, 14.0, 53.5),
            (492.0, 121.5, 53.5),
            (514.0, 229.0, 53.5),
            (389.0, 336.5, 53.5),
            (639.0, 336.5, 53.5),
        ],
        {2: [(723.0, 121.5, 175.0)], 3: [(741.0, 121.5, 175.0)]},
        404.0,
    )
    paths = re.findall(r'<path d="(M[^"]*)"[^>]*><title>([^<]*)</title>', svg.render_svg(graph))
    assert paths == [
        ("M495.0,390.0 C495.0,414.0 745.0,414.0 745.0,390.0", "D configures E"),  # dips below the row
        (
            "M694.2,229.0 C694.2,202.0 741.0,202.0 741.0,175.0 L741.0,121.5 C741.0,94.5 694.2,94.5 694.2,67.5",
            "C sends A",
        ),
        (
            "M620.0,67.5 C620.0,94.5 723.0,94.5 723.0,121.5 L723.0,175.0 C723.0,201.0 620.0,201.0 620.0,227.0",
            "A writes C",
        ),
        ("M598.0,175.0 C598.0,201.0 545.8,201.0 545.8,227.0", "B invokes C"),
        ("M545.8,67.5 C545.8,93.5 598.0,93.5 598.0,119.5", "A invokes B"),
    ]


@pytest.mark.parametrize(
    ("points", "same_row", "path"),
    [
        ([(0, 0), (10, 100)], False, "M0.0,0.0 C0.0,50.0 10.0,50.0 10.0,100.0"),
        ([(0, 100), (10, 0)], False, "M0.0,100.0 C0.0,50.0 10.0,50.0 10.0,0.0"),
        ([(0, 0), (10, 30)], False, "M0.0,0.0 C0.0,24.0 10.0,6.0 10.0,30.0"),
        ([(0, 50), (10, 50)], True, "M0.0,50.0 C0.0,74.0 10.0,74.0 10.0,50.0"),
        (
            [(0, 0), (5, 50), (5, 80), (10, 200)],
            False,
            "M0.0,0.0 C0.0,25.0 5.0,25.0 5.0,50.0 L5.0,80.0 C5.0,140.0 10.0,140.0 10.0,200.0",
        ),
    ],
)
def test_curve(points, same_row, path):
    assert svg._curve(points, same_row) == path


def test_spread_gap_width_height():
    assert svg._spread(1, 100) == [206.0]
    assert svg._spread(3, 0) == pytest.approx([31.8, 106.0, 180.2])
    assert svg._spread(2, 10) == pytest.approx([41.8, 190.2])
    node, slot = (1, -1, -1), (-1, 0, 0)
    assert (svg._gap(node, node), svg._gap(node, slot), svg._gap(slot, node), svg._gap(slot, slot)) == (
        38,
        12.0,
        12.0,
        4.0,
    )
    assert svg._width([node, slot, node]) == 462.0 and svg._width([]) == 0 and svg._width([slot]) == 14
    assert svg._height([("k", "a"), ("n", "b"), ("f", "c")]) == 68.0 and svg._height([]) == 22


def test_rows_wrap_after_five_boxes_and_repeat_the_slots():
    layer = [(v, -1, -1) for v in range(6)] + [(-1, 9, 0)]
    rows = svg._rows(layer)
    assert rows == [[(v, -1, -1) for v in range(5)] + [(-1, 9, 0)], [(5, -1, -1), (-1, 9, 0)]]
    assert svg._rows([(-1, 1, 0), (-1, 2, 0)]) == [[(-1, 1, 0), (-1, 2, 0)]]


@pytest.mark.parametrize(
    ("text", "width", "char", "lines"),
    [
        ("abcdefghij klm", 40, 8, ["abcde", "fghij", "klm"]),
        ("a b", 1, 100, ["a b"]),
        ("", 100, 8, []),
        ("aaaa/bbbb", 40, 8, ["aaaa/", "bbbb"]),
        ("x  ", 100, 8, ["x"]),
        ("ab cd ef", 48, 8, ["ab cd", "ef"]),
        ("abcdef", 40, 8, ["abcde", "f"]),
    ],
)
def test_wrap(text, width, char, lines):
    assert svg.wrap(text, width, char) == lines


def test_wrap_breaks_only_where_told():
    assert svg.wrap("aa,bb cc", 40, 8, ",") == ["aa,", "bb cc"]
    assert svg.wrap("aa,bb cc", 40, 8, " ") == ["aa,bb", "cc"]


def test_layers_of_several_components_largest_first_then_singles_then_outside():
    nodes = [_fn(key) for key in "DEABCFGHI"] + [Node("J", "stack", "J", external=True)]
    edges = [
        Edge("D", "E", "invokes"),
        Edge("A", "B", "invokes"),
        Edge("A", "C", "invokes"),
        Edge("F", "G", "invokes"),
        Edge("G", "H", "invokes"),
        Edge("I", "J", "uses"),
    ]
    node = [(vertex, -1, -1) for vertex in range(10)]
    # D=0 E=1 A=2 B=3 C=4 F=5 G=6 H=7 I=8 J=9: {A, B, C} and {F, G, H} (3 nodes, A first) before {D, E}
    assert svg._layers(Graph(nodes, edges)) == [
        [node[2], node[5], node[0]],
        [node[3], node[4], node[6], node[1]],
        [node[7]],
        [node[8]],
        [node[9]],
    ]


def test_rows_wrap_where_the_width_runs_out_counting_slots():
    n = [(vertex, -1, -1) for vertex in range(12)]
    s0, s1 = (-1, 0, 0), (-1, 1, 0)
    # four boxes and two slots: 4 * 212 + 3 * 38 + 2 * 14 + 12 + 4 = 1006; a fifth box makes 1230 > 1212
    assert svg._rows([n[1], n[2], n[3], n[4], s0, s1, n[5]]) == [
        [n[1], n[2], n[3], n[4], s0, s1],
        [n[5], s0, s1],
    ]
    slot = (-1, 7, 0)
    assert svg._rows([*n[1:12], slot]) == [[*n[1:6], slot], [*n[6:11], slot], [n[11], slot]]
    assert svg._rows([n[1], n[2], n[3], n[4], n[5], n[0]]) == [[n[1], n[2], n[3], n[4], n[5]], [n[0]]]


def test_gap_counts_vertex_zero_as_a_box():
    assert svg._gap((0, -1, -1), (0, -1, -1)) == 38
    assert svg._gap((0, -1, -1), (-1, 0, 0)) == svg._gap((-1, 0, 0), (0, -1, -1)) == 12.0


def test_text_lines_wrap_at_the_box_width_by_font():
    # 212 - 2 * 10 = 192 px: 23 characters of the kind font (8.3 px), 24 of the name font (8.0 px)
    node = Node(
        "k",
        "aaaaaaaaaaa bbbbbbbbbbbb",
        "abcdefghijklmnopqrstuvwx",
        [
            ("k", "AWS::Lambda::Function"),
            ("a", "AWS::CloudWatch::Alarm"),
            ("b", "AWS::CloudWatch::Alarm"),
            ("c", "AWS::S3::Bucket"),
            ("d", "AWS::ApplicationAutoScaling::ScalingPolicy"),
        ],
    )
    assert svg._text_lines(node) == [
        ("k", "aaaaaaaaaaa"),
        ("k", "bbbbbbbbbbbb"),
        ("n", "abcdefghijklmnopqrstuvwx"),
        ("f", "+ 2 alarms, access-log"),
        ("f", "bucket, scaling policy"),
    ]
    assert svg._text_lines(Node("k", "aaaaaaaaaaaaaaaaaaaa/Xbbbb", "n")) == [
        ("k", "aaaaaaaaaaaaaaaaaaaa/Xb"),
        ("k", "bbb"),
        ("n", "n"),
    ]


def test_wrap_default_breaks_and_its_minimum_width():
    assert svg.wrap("aaaXbbbb", 40, 8) == ["aaaXb", "bbb"]
    assert svg.wrap("abcdefgh", 24, 8) == ["abcd", "efgh"]


def test_edge_titles_list_their_notes():
    graph = Graph([_fn("A"), _fn("B")], [Edge("A", "B", "reads", ["s3:GetObject", "s3:ListBucket"])])
    assert "<title>A reads B (s3:GetObject, s3:ListBucket)</title>" in svg.render_svg(graph)


@pytest.mark.parametrize(
    ("points", "same_row", "path"),
    [
        (
            [(0, 0), (5, 50), (5, 80), (6, 130), (6, 160), (10, 200)],
            False,
            "M0.0,0.0 C0.0,25.0 5.0,25.0 5.0,50.0 L5.0,80.0 C5.0,105.0 6.0,105.0 6.0,130.0 L6.0,160.0 "
            "C6.0,184.0 10.0,176.0 10.0,200.0",
        ),
        ([(0, 50), (10, 50)], False, "M0.0,50.0 C0.0,26.0 10.0,74.0 10.0,50.0"),
    ],
)
def test_curve_through_two_slots_and_level(points, same_row, path):
    assert svg._curve(points, same_row) == path
