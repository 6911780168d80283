"""A layered drawing of the referral graph, computed here and drawn as inline SVG.

Layer = distance from a root (or from the focused person), top to bottom. The
drawing is narrow on purpose: it is read on a phone, where the SVG is scaled to
the screen's width, so a row holds at most COLUMNS people and a wider layer
wraps onto several rows. At 390px wide a unit of the viewBox is about a pixel,
so the 13-unit labels stay readable. No JavaScript, no library: plain numbers.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, replace

VIEW_WIDTH = 360
COLUMNS = 3
NODE_WIDTH = 112
NODE_HEIGHT = 44
ROW_GAP = 16  # between the rows of one layer
LAYER_GAP = 22  # between layers, above the layer's label
GROUP_GAP = 30  # between the blocks of a forest's trees
LABEL_HEIGHT = 20
PAD = 6
GAP_MARGIN = 2  # a line through a gap between boxes keeps this clear of each


# Label sizes in viewBox units; static/css/app.css sets the same on .name, .name.tight, .org.
NAME_SIZE, NAME_SIZE_TIGHT, SUB_SIZE = 13.0, 12.0, 12.2
TEXT_ROOM = NODE_WIDTH - 8

# Advance widths in em of DejaVu Sans, the widest usual fallback for system-ui: a
# label that fits with these fits with the narrower fonts phones have too.
_WIDTHS = {
    0.30: " '.,:;!|iIjJl",
    0.38: "()-/frt",
    0.54: "cszL",
    0.60: "aeokvxyFPTY",
    0.70: "BCKRVXZ",
    0.76: "ADGHNU",
    0.80: "&OQw",
    1.00: "@MWm…",
}
_WIDTH = {ch: em for em, chars in _WIDTHS.items() for ch in chars}


def text_width(text: str, size: float, bold: bool = False) -> float:
    """About how wide `text` is drawn at `size` (an estimate on the wide side)."""
    em = sum(_WIDTH.get(ch, 0.64 if ch.isascii() else 0.72) for ch in text)
    if bold:  # the labels' 600 weight
        em = em * 1.1 + 0.03 * len(text)
    return em * size


def fit_text(text: str, size: float, bold: bool = False, room: float = TEXT_ROOM) -> str:
    """`text`, cut short with an ellipsis if it does not fit in `room`."""
    text = " ".join(text.split())
    if text_width(text, size, bold) <= room:
        return text
    while text and text_width(text + "…", size, bold) > room:
        text = text[:-1]
    return text.rstrip(" ,.-·") + "…"


@dataclass(frozen=True)
class Box:
    """One person: a rectangle whose top-left corner is (x, y)."""

    id: int
    layer: int
    x: float
    y: float
    width: float = NODE_WIDTH
    height: float = NODE_HEIGHT

    @property
    def cx(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def bottom(self) -> float:
        return round(self.y + self.height, 1)

    # Where the two lines of text sit.
    @property
    def name_y(self) -> float:
        return round(self.y + 19, 1)

    @property
    def sub_y(self) -> float:
        return round(self.y + 35, 1)

    @property
    def middle_y(self) -> float:
        """The baseline of a single line of text."""
        return round(self.y + 27, 1)


@dataclass(frozen=True)
class Line:
    """A referral: an arrow from the referrer's box to the referred person's box."""

    source: int
    target: int
    d: str  # SVG path data
    back: bool  # drawn upwards or sideways: a loop or a cross link
    far: bool = False  # passes behind a row of other people on its way


@dataclass(frozen=True)
class Band:
    """Where a layer starts: its label's baseline, and the rule above it (None: no rule).

    A "group" rule parts two trees, a "band" two labelled layers, a "layer" two
    layers of a tree when one of them wraps onto several rows.
    """

    group: int
    layer: int
    y: float
    rule_y: float | None
    rule: str = ""


@dataclass(frozen=True)
class Layout:
    width: int
    height: float
    boxes: tuple[Box, ...]
    lines: tuple[Line, ...]
    bands: tuple[Band, ...]

    def box(self, node_id: int) -> Box:
        return next(b for b in self.boxes if b.id == node_id)


def layered_layout(
    layers: Mapping[int, int],
    edges: Iterable[tuple[int, int]],
    order: Mapping[int, Hashable] | None = None,
    groups: Mapping[int, int] | None = None,
    labelled: bool = True,
    columns: int = COLUMNS,
) -> Layout:
    """Place `layers` ({node: layer}) top to bottom and draw `edges` between them.

    `groups` ({node: group}, e.g. one per tree of a forest) stacks one block per
    group, each with its own layers, a rule between blocks. `labelled` keeps
    room above each layer for a label and rules off every layer; unlabelled,
    only a layer that wraps onto several rows is ruled off. Edges naming a
    node that is not placed, and self-loops, are left out. Within a layer,
    people sit under the people who referred them (barycentre of the neighbours
    placed above), then by `order` (a sort key per node, e.g. a lower-cased
    name), then by id: the same input always gives the same drawing.
    """
    order = order or {}
    groups = groups or {}
    pairs = sorted({(a, b) for a, b in edges if a != b and a in layers and b in layers})
    neighbours: dict[int, set[int]] = defaultdict(set)
    for a, b in pairs:
        neighbours[a].add(b)
        neighbours[b].add(a)

    by_layer: dict[tuple[int, int], list[int]] = defaultdict(list)
    for node, layer in layers.items():
        by_layer[(groups.get(node, 0), layer)].append(node)

    boxes: dict[int, Box] = {}
    bands: list[Band] = []
    y = float(PAD)
    previous: tuple[int, int] | None = None
    for group, layer in sorted(by_layer):
        rule_y, rule = None, ""
        if previous is not None:
            gap = GROUP_GAP if group != previous[0] else LAYER_GAP
            if group != previous[0]:
                rule = "group"
            elif labelled:
                rule = "band"
            elif max(len(by_layer[previous]), len(by_layer[(group, layer)])) > columns:
                rule = "layer"
            if rule:
                rule_y = round(y + gap / 2, 1)
            y += gap
        previous = (group, layer)
        label_y = round(y + LABEL_HEIGHT - 6, 1) if labelled else round(y, 1)
        bands.append(Band(group, layer, label_y, rule_y, rule))
        if labelled:
            y += LABEL_HEIGHT

        def key(node: int) -> tuple:
            placed = [boxes[n].cx for n in neighbours[node] if n in boxes]
            centre = sum(placed) / len(placed) if placed else float("inf")
            return (centre, order.get(node, ""), node)

        members = sorted(by_layer[(group, layer)], key=key)
        for start in range(0, len(members), columns):
            if start:
                y += ROW_GAP
            row = members[start : start + columns]
            for col, node in enumerate(row):
                cx = VIEW_WIDTH * (col + 0.5) / len(row)
                boxes[node] = Box(node, layer, round(cx - NODE_WIDTH / 2, 1), round(y, 1))
            y += NODE_HEIGHT

    rows = sorted({b.y for b in boxes.values()})
    lines = tuple(_line(boxes[a], boxes[b], boxes.values(), rows) for a, b in pairs)
    ordered = tuple(sorted(boxes.values(), key=lambda b: (b.y, b.x)))
    return Layout(VIEW_WIDTH, round(y + PAD, 1), ordered, lines, tuple(bands))


def _line(source: Box, target: Box, boxes: Iterable[Box], rows: list[float]) -> Line:
    line = _around(source, target, boxes) or _path(source, target, boxes)
    top, bottom = sorted((source.y, target.y))
    if line.d.count("L") == 0 and any(top < row < bottom for row in rows):
        return replace(line, far=True)
    return line


def _around(source: Box, target: Box, boxes: Iterable[Box]) -> Line | None:
    """A referral down past rows of other people (a layer wrapped onto rows, a tree
    deeper than its neighbour): through a gap between their boxes, the one nearest the
    way it goes, instead of behind someone (where it read as theirs). None when it
    passes no row, or no gap runs through every row it passes."""
    between = [b for b in boxes if b.y > source.bottom and b.bottom < target.y]
    if not between:
        return None
    blocked = sorted((b.x - GAP_MARGIN, b.x + b.width + GAP_MARGIN) for b in between)
    free, start = [], GAP_MARGIN
    for left, right in blocked:
        if left > start:
            free.append((start, left))
        start = max(start, right)
    if start < VIEW_WIDTH - GAP_MARGIN:
        free.append((start, VIEW_WIDTH - GAP_MARGIN))
    if not free:
        return None
    aim = (source.cx + target.cx) / 2
    gx = round(min((min(max(aim, a), b) for a, b in free), key=lambda x: abs(x - aim)), 1)
    x1, y1, x2, y2 = source.cx, source.bottom, target.cx, target.y
    top, bottom = min(b.y for b in between), max(b.bottom for b in between)
    down, on = round((top - y1) / 2, 1), round((y2 - bottom) / 2, 1)
    d = (f"M{x1} {y1} C{x1} {y1 + down:.1f} {gx} {top - down:.1f} {gx} {top} "
         f"L{gx} {bottom} C{gx} {bottom + on:.1f} {x2} {y2 - on:.1f} {x2} {y2}")
    return Line(source.id, target.id, d, back=False)


def _path(source: Box, target: Box, boxes: Iterable[Box]) -> Line:
    if source.y == target.y and not any(
        b.y == source.y and min(source.cx, target.cx) < b.cx < max(source.cx, target.cx)
        for b in boxes
    ):  # side by side: straight across, from one's side to the other's
        mid = round(source.y + source.height / 2, 1)
        if source.cx < target.cx:
            x1, x2 = round(source.x + source.width, 1), target.x
        else:
            x1, x2 = source.x, round(target.x + target.width, 1)
        return Line(source.id, target.id, f"M{x1} {mid} L{x2} {mid}", back=True)
    if target.y > source.bottom:  # downwards: bottom centre to top centre
        x1, y1, x2, y2 = source.cx, source.bottom, target.cx, target.y
        bend = min(36.0, (y2 - y1) / 2)
        d = f"M{x1} {y1} C{x1} {y1 + bend:.1f} {x2} {y2 - bend:.1f} {x2} {y2}"
        return Line(source.id, target.id, d, back=False)
    if source.y > target.bottom:  # upwards: top centre to bottom centre
        x1, y1, x2, y2 = source.cx, source.y, target.cx, target.bottom
        bend = min(36.0, (y1 - y2) / 2)
        d = f"M{x1} {y1} C{x1} {y1 - bend:.1f} {x2} {y2 + bend:.1f} {x2} {y2}"
        return Line(source.id, target.id, d, back=True)
    # The same row with someone between them: a loop below the row.
    x1, x2, low = source.cx, target.cx, max(source.bottom, target.bottom)
    d = f"M{x1} {source.bottom} C{x1} {low + 14} {x2} {low + 14} {x2} {target.bottom}"
    return Line(source.id, target.id, d, back=True)


def forest_layers(
    edges: Iterable[tuple[int, int]], limit: int
) -> tuple[dict[int, int], dict[int, int], bool]:
    """Pick at most `limit` people of the whole network, whole trees first, and layer them.

    Roots (referred by nobody) come first, those who referred the most people
    first; each root brings its tree, breadth first, until the limit. Someone
    two roots lead to belongs to the first tree. People only reachable through a
    loop get a root from their loop. Returns ({node: steps from its tree's
    root}, {node: tree number}, whether some people were left out). A root
    whose every referral is in an earlier tree joins that tree, a layer above
    the first of them, rather than making a tree of one.
    """
    children: dict[int, set[int]] = defaultdict(set)
    referred: set[int] = set()
    nodes: set[int] = set()
    for a, b in edges:
        if a == b:
            continue
        children[a].add(b)
        referred.add(b)
        nodes.update((a, b))
    most_first = lambda n: (-len(children[n]), n)  # noqa: E731
    roots = iter(sorted(nodes - referred, key=most_first))

    layers: dict[int, int] = {}
    groups: dict[int, int] = {}
    group = -1
    while len(layers) < len(nodes):
        if len(layers) >= limit:
            return layers, groups, True
        root = next((r for r in roots if r not in layers), None)
        if root is None:  # only loops are left: start from someone who referred the most
            root = min(nodes - layers.keys(), key=most_first)
        if children[root] <= layers.keys():
            # Everyone they referred is drawn already: sit just above the highest of them.
            child = min(children[root], key=lambda c: (groups[c], layers[c], c))
            layers[root], groups[root] = max(layers[child] - 1, 0), groups[child]
            continue
        group += 1
        layers[root], groups[root] = 0, group
        queue = deque([root])
        while queue:
            node = queue.popleft()
            for child in sorted(children[node]):
                if child not in layers:
                    if len(layers) >= limit:
                        return layers, groups, True
                    layers[child], groups[child] = layers[node] + 1, group
                    queue.append(child)
    return layers, groups, False


def neighbourhood_layers(
    focus: int, ancestors: Mapping[int, int], descendants: Mapping[int, int], limit: int
) -> tuple[dict[int, int], bool]:
    """The focus on layer 0, who led you to them above (-distance), whom they led you to below.

    Someone on both sides (a loop) sits on the nearer side, above on a tie. At
    most `limit` people, the nearest kept; returns (layers, whether some were left out).
    """
    layers: dict[int, int] = {}
    for node, distance in descendants.items():
        layers[node] = distance
    for node, distance in ancestors.items():
        if node not in layers or distance <= layers[node]:
            layers[node] = -distance
    layers.pop(focus, None)
    kept = sorted(layers, key=lambda n: (abs(layers[n]), layers[n], n))[: max(limit - 1, 0)]
    result = {focus: 0} | {n: layers[n] for n in kept}
    return result, len(kept) < len(layers)
