"""The architecture graph as an inline SVG, laid out by igraph's Sugiyama (layered) layout, left to right.

Layers become columns (a group on the left references the groups to its right); igraph's edge routing gives
the bend points of edges that span several layers, and edges are drawn as smooth paths through them.
"""

from __future__ import annotations

from html import escape

from .diagram import PALETTE, Graph, Group

NODE_W = 220
COLUMN_GAP = 80
ROW_GAP = 22
MARGIN = 16
MIN_SCALE = 0.7  # below this the diagram scrolls sideways instead of shrinking its text further
PAD = 10
TITLE_PX, TITLE_CHAR = 15, 10.0  # font size and average character width (bold, system sans-serif)
DETAIL_PX, DETAIL_CHAR = 13, 7.4
LINE_GAP = 4
MAX_TITLE_LINES = 2
MAX_DETAIL_LINES = 2


def _wrap(text: str, width_px: float, char_px: float, max_lines: int, breaks: str) -> list[str]:
    """Greedy wrap at ``breaks`` characters (kept at the line end), hard-cut words too long; ellipsis at the end."""
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
        while len(token) > limit:  # a word longer than a line
            if line:
                lines.append(line)
                line = ""
            lines.append(token[:limit])
            token = token[limit:]
        if len(line) + len(token.rstrip()) > limit:
            lines.append(line)
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line)
    lines = [ln.rstrip() for ln in lines if ln.strip()]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        lines[-1] = (last if len(last) < limit else last[: limit - 1]) + "…"
    return lines


def _layout(graph: Graph) -> tuple[list[tuple[float, float]], list[list[tuple[float, float]]]]:
    """(layer, position) per group and the routing points per edge, in ``graph.edges`` order.

    Each weakly connected component is laid out by igraph's ``layout_sugiyama`` on its own and the components
    are stacked top to bottom, largest first; lone groups share rows at the bottom. (igraph 1.0.0 can crash
    with a segmentation fault in ``layout_sugiyama`` on graphs of several components with long edges; one
    component at a time it does not.)
    """
    import igraph  # the `review` extra; imported here so that `patterns.review` imports without it

    index = {group.name: i for i, group in enumerate(graph.groups)}
    pairs = [(index[s], index[t]) for s, t in graph.edges]
    whole = igraph.Graph(n=len(graph.groups), edges=pairs, directed=True)
    components = sorted(whole.connected_components(mode="weak"), key=lambda c: (-len(c), min(c)))
    coords: list[tuple[float, float]] = [(0.0, 0.0)] * len(graph.groups)
    routing: list[list[tuple[float, float]]] = [[] for _ in pairs]
    edge_ids = {pair: number for number, pair in enumerate(pairs)}
    top = 0.0
    singles = [c[0] for c in components if len(c) == 1]
    for members in (c for c in components if len(c) > 1):
        members = sorted(members)
        sub = whole.induced_subgraph(members)
        layout = sub.layout_sugiyama(hgap=1, vgap=1, maxiter=200)
        edge_routing = getattr(layout, "edge_routing", None) or [[] for _ in sub.es]  # igraph < 0.11: none
        points = _separate([(float(x), float(y)) for x, y in layout.coords[: len(members)]])
        low = min(x for x, _ in [*points, *(p for bends in edge_routing for p in bends)])
        for local, vertex in enumerate(members):
            x, y = points[local]
            coords[vertex] = (float(y), top + float(x) - low)
        for local_edge, bends in zip(sub.es, edge_routing, strict=True):
            pair = (members[local_edge.source], members[local_edge.target])
            routing[edge_ids[pair]] = [(float(y), top + float(x) - low) for x, y in bends]
        top += max(x for x, _ in [*points, *(p for bends in edge_routing for p in bends)]) - low + 1
    layers = max([int(layer) for layer, _ in coords] + [0]) + 1
    per_row = max(layers, 3)
    for number, vertex in enumerate(singles):
        coords[vertex] = (float(number % per_row), top + number // per_row)
    return coords, routing


def _separate(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Keep nodes of a layer at least one position apart (igraph may place two of them half a step apart)."""
    placed = list(points)
    layers: dict[float, list[int]] = {}
    for number, (_, layer) in enumerate(placed):
        layers.setdefault(layer, []).append(number)
    for numbers in layers.values():
        previous = None
        for number in sorted(numbers, key=lambda n: placed[n][0]):
            x, layer = placed[number]
            if previous is not None and x < previous + 1:
                x = previous + 1
                placed[number] = (x, layer)
            previous = x
    return placed


def _labels(group: Group) -> tuple[list[str], list[str]]:
    inner = NODE_W - 2 * PAD
    title = _wrap(group.name, inner, TITLE_CHAR, MAX_TITLE_LINES, "/:-")
    count = len(group.members)
    detail = f"{count} resource{'s' if count != 1 else ''}: " + ", ".join(group.type_summary(limit=3))
    return title, _wrap(detail, inner, DETAIL_CHAR, MAX_DETAIL_LINES, " ")


def _node(group: Group, x: float, y: float, height: float) -> str:
    fill, stroke = PALETTE[group.category]
    title, detail = _labels(group)
    tooltip = f"{group.name}\n" + "\n".join(f"{lid} ({t})" for lid, t in group.members)
    texts = []
    baseline = y + PAD + TITLE_PX
    for line in title:
        texts.append(f'<text x="{x + PAD:.1f}" y="{baseline:.1f}" class="t">{escape(line)}</text>')
        baseline += TITLE_PX + LINE_GAP
    baseline += 2
    for line in detail:
        texts.append(f'<text x="{x + PAD:.1f}" y="{baseline:.1f}" class="d">{escape(line)}</text>')
        baseline += DETAIL_PX + LINE_GAP
    return (
        f'<g class="node"><title>{escape(tooltip)}</title>'
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_W}" height="{height:.0f}" rx="6" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>' + "".join(texts) + "</g>"
    )


def _node_height(graph: Graph) -> float:
    lines = [_labels(group) for group in graph.groups]
    titles = max(len(t) for t, _ in lines)
    details = max(len(d) for _, d in lines)
    return 2 * PAD + titles * (TITLE_PX + LINE_GAP) + 2 + details * (DETAIL_PX + LINE_GAP)


def _curve(points: list[tuple[float, float]]) -> str:
    """A path through ``points`` with horizontal tangents at each point (smooth left-to-right bends)."""
    (x0, y0), rest = points[0], points[1:]
    parts = [f"M{x0:.1f},{y0:.1f}"]
    for x1, y1 in rest:
        dx = (x1 - x0) / 2
        parts.append(f"C{x0 + dx:.1f},{y0:.1f} {x1 - dx:.1f},{y1:.1f} {x1:.1f},{y1:.1f}")
        x0, y0 = x1, y1
    return " ".join(parts)


def _spread(count: int, top: float, height: float) -> list[float]:
    """``count`` attachment heights spread over the middle of a node's side."""
    if count == 1:
        return [top + height / 2]
    low, high = top + height * 0.2, top + height * 0.8
    return [low + (high - low) * i / (count - 1) for i in range(count)]


def render_svg(graph: Graph, *, title: str = "", uid: str = "d") -> str:
    """The graph as a standalone ``<svg>`` element that scales to its container's width (never above 1:1)."""
    if not graph.groups:
        return '<p class="empty">No resources to draw.</p>'
    coords, routing = _layout(graph)
    node_h = _node_height(graph)
    column = NODE_W + COLUMN_GAP
    row = node_h + ROW_GAP

    def box(layer: float, position: float) -> tuple[float, float]:
        return MARGIN + layer * column, MARGIN + position * row

    positions = [box(layer, pos) for layer, pos in coords]
    width = max(x for x, _ in positions) + NODE_W + MARGIN
    height = max(y for _, y in positions) + node_h + MARGIN
    index = {group.name: i for i, group in enumerate(graph.groups)}

    # Each edge: source and target node, direction, and its bend points (through the dummy vertices' columns).
    edges = []
    for (source, target), bends in zip(graph.edges, routing, strict=True):
        s, t = index[source], index[target]
        forward = positions[t][0] >= positions[s][0]
        middle: list[tuple[float, float]] = []
        for layer, pos in bends:
            bx, by = box(layer, pos)
            through = [(bx, by + node_h / 2), (bx + NODE_W, by + node_h / 2)]
            middle.extend(through if forward else reversed(through))
        edges.append((source, target, s, t, forward, middle))

    # Spread the attachment points of a node's side by the height of what lies at the other end.
    ports: dict[tuple[int, str], list[tuple[float, int, str]]] = {}
    for number, (_, _, s, t, forward, middle) in enumerate(edges):
        toward_target = middle[0][1] if middle else positions[t][1] + node_h / 2
        toward_source = middle[-1][1] if middle else positions[s][1] + node_h / 2
        ports.setdefault((s, "R" if forward else "L"), []).append((toward_target, number, "start"))
        ports.setdefault((t, "L" if forward else "R"), []).append((toward_source, number, "end"))
    attach: dict[tuple[int, str], tuple[float, float]] = {}
    for (node, side), entries in ports.items():
        x, y = positions[node]
        heights = _spread(len(entries), y, node_h)
        for (_, number, end), at in zip(sorted(entries), heights, strict=True):
            edge_x = x + NODE_W if side == "R" else x
            gap = 2 if end == "end" else 0
            attach[(number, end)] = (edge_x + (gap if side == "R" else -gap), at)

    paths = []
    for number, (source, target, _, _, forward, middle) in enumerate(edges):
        points = [attach[(number, "start")], *middle, attach[(number, "end")]]
        paths.append(
            f'<path d="{_curve(points)}" class="e{"" if forward else " back"}" marker-end="url(#{uid}-arrow)">'
            f"<title>{escape(source)} → {escape(target)} ({graph.edges[(source, target)]} reference(s))</title>"
            "</path>"
        )
    nodes = [_node(group, *positions[i], node_h) for i, group in enumerate(graph.groups)]
    label = escape(title or "architecture diagram")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" style="min-width:{width * MIN_SCALE:.0f}px;max-width:{width:.0f}px;height:auto;display:block" '
        f'role="img" '
        f'aria-label="{label}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">'
        f'<defs><marker id="{uid}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>'
        f"<style>.t{{font-size:{TITLE_PX}px;font-weight:600;fill:#1d1d1d}}.d{{font-size:{DETAIL_PX}px;fill:#444}}"
        ".e{fill:none;stroke:#777;stroke-width:1.3}.back{stroke-dasharray:5 3}</style>"
        + "".join(paths)
        + "".join(nodes)
        + "</svg>"
    )
