"""The architecture graph as an inline SVG that fits the page: igraph's Sugiyama layering, top to bottom.

igraph assigns each node a layer (data flows downwards: entry points on top, data stores below) and orders
the nodes of a layer to reduce crossings; a layer wider than ``PER_ROW`` nodes wraps onto several rows, so
the drawing is never wider than ``WIDTH`` pixels and scales down (never up) with its container. Labels are
wrapped to the node width, never cut: a node is as tall as its text.

Why igraph: it installs from PyPI as a self-contained wheel and is maintained. Graphviz (``dot``) lays out
with edge routing too, but the ``graphviz`` package on PyPI only wraps the system binary (an apt package,
not a Python dependency); ELK is JavaScript (``elkjs`` on npm) and would make the report need Node.js.
"""

from __future__ import annotations

from html import escape
from itertools import pairwise

from .diagram import EDGE_KINDS, EDGE_STYLES, PALETTE, Graph, Node, node_label

NODE_W = 212
GAP_X = 38
GAP_Y = 54
MARGIN = 14
PER_ROW = 5
WIDTH = 2 * MARGIN + PER_ROW * NODE_W + (PER_ROW - 1) * GAP_X
"""The drawing's natural width (1240 px, five boxes): it fits a 1280 px column without scaling."""
PAD = 10
LINE_GAP = 3
FONTS = {
    # class: (font size px, average character width px of the widest font the page may fall back to)
    "k": (12.5, 8.3),  # kind, bold
    "n": (13.0, 8.0),  # name
    "f": (11.5, 6.9),  # folded resources
}


def wrap(text: str, width_px: float, char_px: float, breaks: str = " /-_:") -> list[str]:
    """Greedy wrap after ``breaks`` characters; a word longer than a line is split. Every character is kept."""
    limit = max(4, int(width_px // char_px))
    tokens: list[str] = []
    current = ""
    for char in text:
        current += char
        if char in breaks:
            tokens.append(current)
            current = ""
    if current:
        tokens.append(current)
    lines: list[str] = []
    line = ""
    for token in tokens:
        if len(line) + len(token.rstrip()) > limit and line:
            lines.append(line)
            line = ""
        while len(token.rstrip()) > limit:
            lines.append(token[:limit])
            token = token[limit:]
        line += token
    if line.strip():
        lines.append(line)
    return [ln.rstrip() for ln in lines if ln.strip()]


def _text_lines(node: Node) -> list[tuple[str, str]]:
    """``(css class, line)`` for every line of a node's label."""
    inner = NODE_W - 2 * PAD
    kind, name, folded = node_label(node)
    lines = [("k", ln) for ln in wrap(kind, inner, FONTS["k"][1], " ")]
    lines += [("n", ln) for ln in wrap(name, inner, FONTS["n"][1])]
    lines += [("f", ln) for ln in wrap(folded, inner, FONTS["f"][1], " ,")]
    return lines


def _height(lines: list[tuple[str, str]]) -> float:
    return 2 * PAD + sum(FONTS[cls][0] + LINE_GAP for cls, _ in lines) + 2


Item = tuple[int, int, int]
"""A row item: ``(vertex, -1, -1)`` for a node, ``(-1, edge, bend)`` for a bend slot of a long edge."""


def _layers(graph: Graph) -> list[list[Item]]:
    """Items per layer, in igraph's crossing-reduced order, from the data-flow edges: the nodes, and one slot
    per layer that a long edge crosses (igraph's edge routing), so that the edge passes between the boxes.
    Each weakly connected component is laid out on its own (igraph 1.0.0's layout_sugiyama can crash on
    several components with long edges); the components' layers are merged, so that entry points share the
    top rows; nodes with no data flow come next, nodes outside the stack last."""
    import igraph  # the `review` extra; imported here so that `patterns.review` imports without it

    index = {node.key: i for i, node in enumerate(graph.nodes)}
    # Layers follow the data flow only; what only configures or is configured sits in the rows after the
    # flow, and other stacks and parameters in the last row.
    data = [number for number, edge in enumerate(graph.edges) if edge.data]
    pairs = [(index[graph.edges[n].source], index[graph.edges[n].target]) for n in data]
    whole = igraph.Graph(n=len(graph.nodes), edges=pairs, directed=True)
    components = sorted(whole.connected_components(mode="weak"), key=lambda c: (-len(c), min(c)))
    layers: dict[int, list[tuple[float, Item]]] = {}
    offset = 0.0
    external = [i for i, node in enumerate(graph.nodes) if node.external]
    singles = [c[0] for c in components if len(c) == 1 and c[0] not in external]
    for members in (sorted(c) for c in components if len(c) > 1):
        sub = whole.induced_subgraph(members)
        layout = sub.layout_sugiyama(hgap=1, vgap=1, maxiter=100)
        coords = layout.coords[: len(members)]
        routing = getattr(layout, "edge_routing", None) or [[] for _ in sub.es]
        xs = [x for x, _ in coords] + [x for bends in routing for x, _ in bends]
        low = min(xs)
        for local, vertex in enumerate(members):
            x, y = coords[local]
            layers.setdefault(round(y), []).append((offset + x - low, (vertex, -1, -1)))
        for edge, bends in zip(sub.es, routing, strict=True):
            source, target = members[edge.source], members[edge.target]
            number = next(n for n in data if pairs[data.index(n)] == (source, target))
            for bend, (x, y) in enumerate(bends):
                layers.setdefault(round(y), []).append((offset + x - low, (-1, number, bend)))
        offset += max(xs) - low + 1
    ordered = [[item for _, item in sorted(layers[y])] for y in sorted(layers)]
    for last in (sorted(singles), external):
        if last:
            ordered.append([(vertex, -1, -1) for vertex in last])
    return ordered


SLOT_W = 14
"""The width a long edge takes where it crosses a row: it fits in the gap between two boxes."""


def _gap(left: Item, right: Item) -> float:
    nodes = (left[0] >= 0) + (right[0] >= 0)
    return {2: GAP_X, 1: (GAP_X - SLOT_W) / 2, 0: 4.0}[nodes]


def _width(row: list[Item]) -> float:
    sizes = sum(NODE_W if item[0] >= 0 else SLOT_W for item in row)
    return sizes + sum(_gap(a, b) for a, b in pairwise(row))


def _rows(layer: list[Item]) -> list[list[Item]]:
    """A layer's items in rows no wider than the drawing: a wide layer wraps, and the long edges that cross
    it keep a slot in each of its rows."""
    rows: list[list[Item]] = [[]]
    for item in layer:
        if (
            item[0] >= 0
            and any(i[0] >= 0 for i in rows[-1])
            and _width([*rows[-1], item]) > WIDTH - 2 * MARGIN
        ):
            rows.append([])
        rows[-1].append(item)
    slots = [item for item in layer if item[0] < 0]
    for row in rows[1:]:
        row.extend(slot for slot in slots if slot not in row)
    for row in rows[:-1]:
        row.extend(slot for slot in slots if slot not in row)
    return rows


def layout(
    graph: Graph,
) -> tuple[list[tuple[float, float, float]], dict[int, list[tuple[float, float, float]]], float]:
    """``(x, y, height)`` of each node's box, ``edge -> [(x, top, bottom)]`` of the rows a long edge crosses,
    and the drawing's height."""
    texts = [_text_lines(node) for node in graph.nodes]
    boxes: list[tuple[float, float, float]] = [(0.0, 0.0, 0.0)] * len(graph.nodes)
    crossings: dict[int, list[tuple[int, float, float, float]]] = {}
    y = float(MARGIN)
    for layer in _layers(graph):
        for row in _rows(layer):
            height = max([_height(texts[v]) for v, _, _ in row if v >= 0] or [0.0])
            x = (WIDTH - _width(row)) / 2
            for number, (vertex, edge, bend) in enumerate(row):
                if number:
                    x += _gap(row[number - 1], row[number])
                if vertex >= 0:
                    boxes[vertex] = (x, y, _height(texts[vertex]))
                    x += NODE_W
                else:
                    crossings.setdefault(edge, []).append((bend, y, x + SLOT_W / 2, y + height))
                    x += SLOT_W
            y += height + GAP_Y
    routes = {
        edge: [(x, top, bottom) for _, top, x, bottom in sorted(found)] for edge, found in crossings.items()
    }
    return boxes, routes, y - GAP_Y + MARGIN


def _node_svg(node: Node, x: float, y: float, height: float) -> str:
    fill, stroke = PALETTE[node.category]
    tooltip = f"{node.kind}: {node.name}\n" + "\n".join(f"{lid} ({t})" for lid, t in node.members)
    texts = []
    baseline = y + PAD
    for cls, line in _text_lines(node):
        baseline += FONTS[cls][0]
        texts.append(f'<text x="{x + PAD:.1f}" y="{baseline:.1f}" class="{cls}">{escape(line)}</text>')
        baseline += LINE_GAP
    dash = ' stroke-dasharray="5 3"' if node.external else ""
    return (
        f'<g class="node"><title>{escape(tooltip)}</title>'
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_W}" height="{height:.1f}" rx="6" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>' + "".join(texts) + "</g>"
    )


def _spread(count: int, left: float) -> list[float]:
    """``count`` attachment points spread over the middle of a node's top or bottom side."""
    if count == 1:
        return [left + NODE_W / 2]
    low, high = left + NODE_W * 0.15, left + NODE_W * 0.85
    return [low + (high - low) * i / (count - 1) for i in range(count)]


def _edges_svg(
    graph: Graph,
    boxes: list[tuple[float, float, float]],
    routes: dict[int, list[tuple[float, float, float]]],
    uid: str,
) -> list[str]:
    index = {node.key: i for i, node in enumerate(graph.nodes)}
    # each edge leaves its source at the bottom (or the top, going up) and enters its target at the other
    # side; a long edge passes through the slots kept for it in the rows between
    ends: dict[tuple[int, str], list[tuple[float, int, str]]] = {}
    sides = []
    for number, edge in enumerate(graph.edges):
        s, t = index[edge.source], index[edge.target]
        down = boxes[t][1] > boxes[s][1]
        same_row = boxes[t][1] == boxes[s][1]
        out_side, in_side = ("b", "t") if down else (("b", "b") if same_row else ("t", "b"))
        sides.append((out_side, in_side))
        via = routes.get(number, [])
        first = via[0][0] if via else boxes[t][0] + NODE_W / 2
        last = via[-1][0] if via else boxes[s][0] + NODE_W / 2
        ends.setdefault((s, out_side), []).append((first, number, "start"))
        ends.setdefault((t, in_side), []).append((last, number, "end"))
    at: dict[tuple[int, str], tuple[float, float]] = {}
    for (vertex, side), entries in ends.items():
        x, y, height = boxes[vertex]
        edge_y = y + height if side == "b" else y
        for (_, number, end), px in zip(sorted(entries), _spread(len(entries), x), strict=True):
            at[(number, end)] = (px, edge_y + (-2 if side == "t" and end == "end" else 0))
    paths = []
    for number, edge in enumerate(graph.edges):
        out_side, in_side = sides[number]
        points = [at[(number, "start")]]
        for x, top, bottom in routes.get(number, []):
            points += [(x, top), (x, bottom)] if out_side == "b" else [(x, bottom), (x, top)]
        points.append(at[(number, "end")])
        colour, dash, width = EDGE_STYLES[edge.kind]
        notes = f" ({', '.join(edge.notes)})" if edge.notes else ""
        title = f"{graph.node(edge.source).name} {edge.kind} {graph.node(edge.target).name}{notes}"
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        paths.append(
            f'<path d="{_curve(points, out_side == in_side)}" fill="none" '
            f'stroke="{colour}" stroke-width="{width}"{dashes} marker-end="url(#{uid}-{edge.kind})">'
            f"<title>{escape(title)}</title></path>"
        )
    return paths


def _curve(points: list[tuple[float, float]], same_row: bool) -> str:
    """A path through ``points`` with vertical tangents: curves between rows, straight through the slot a
    long edge has in each row it crosses (points 1-2, 3-4...); an edge within a row dips below it."""
    (x0, y0), parts = points[0], [f"M{points[0][0]:.1f},{points[0][1]:.1f}"]
    for number, (x1, y1) in enumerate(points[1:]):
        if number % 2 == 1:
            parts.append(f"L{x1:.1f},{y1:.1f}")
        else:
            bend = max(24.0, abs(y1 - y0) / 2)
            direction = 1 if y1 > y0 or same_row else -1
            c0, c1 = y0 + direction * bend, (y1 + bend) if same_row else (y1 - direction * bend)
            parts.append(f"C{x0:.1f},{c0:.1f} {x1:.1f},{c1:.1f} {x1:.1f},{y1:.1f}")
        x0, y0 = x1, y1
    return " ".join(parts)


def render_svg(graph: Graph, *, title: str = "", uid: str = "d") -> str:
    """The graph as an ``<svg>`` element as wide as its container up to its natural width (``WIDTH``)."""
    if not graph.nodes:
        return '<p class="empty">No resources to draw.</p>'
    boxes, routes, height = layout(graph)
    markers = "".join(
        f'<marker id="{uid}-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{EDGE_STYLES[kind][0]}"/></marker>'
        for kind in EDGE_KINDS
    )
    styles = "".join(
        f".{cls}{{font-size:{size}px;{'font-weight:600;' if cls == 'k' else ''}fill:"
        f"{'#1d1d1d' if cls != 'f' else '#555'}}}"
        for cls, (size, _) in FONTS.items()
    )
    label = escape(title or "architecture diagram")
    # edges first (data flow before configuration: they are sorted so), nodes on top
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'style="max-width:{WIDTH}px;height:auto;display:block" role="img" aria-label="{label}" '
        'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">'
        f"<defs>{markers}</defs><style>{styles}</style>"
        + "".join(reversed(_edges_svg(graph, boxes, routes, uid)))
        + "".join(_node_svg(node, *boxes[i]) for i, node in enumerate(graph.nodes))
        + "</svg>"
    )
