"""The layered drawing of the referral graph: pure functions, no database."""

import random
import re

import pytest

from referrals.layout import (
    COLUMNS,
    NODE_HEIGHT,
    VIEW_WIDTH,
    NAME_SIZE,
    SUB_SIZE,
    TEXT_ROOM,
    Layout,
    fit_text,
    forest_layers,
    layered_layout,
    neighbourhood_layers,
    text_width,
)


def overlap(a, b) -> bool:
    return (
        a.x < b.x + b.width
        and b.x < a.x + a.width
        and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


def assert_sound(layout: Layout, layers: dict[int, int]) -> None:
    """Every node drawn once, inside the picture, no two boxes touching, edges end on boxes."""
    assert sorted(b.id for b in layout.boxes) == sorted(layers)
    for box in layout.boxes:
        assert box.layer == layers[box.id]
        assert 0 <= box.x and box.x + box.width <= layout.width == VIEW_WIDTH
        assert 0 <= box.y and box.y + box.height <= layout.height
    boxes = list(layout.boxes)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not overlap(a, b), (a, b)
    ids = {b.id for b in boxes}
    for line in layout.lines:
        assert line.source in ids and line.target in ids
        start, end = path_ends(line.d)
        assert on_border(layout.box(line.source), start), line
        assert on_border(layout.box(line.target), end), line


def path_ends(d: str) -> tuple[tuple[float, float], tuple[float, float]]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return (numbers[0], numbers[1]), (numbers[-2], numbers[-1])


def on_border(box, point) -> bool:
    """The middle of the box's top or bottom edge, or of its left or right side."""
    x, y = point
    near = lambda a, b: abs(a - b) < 0.11  # noqa: E731
    return (near(x, box.cx) and (near(y, box.y) or near(y, box.bottom))) or (
        near(y, box.y + box.height / 2) and (near(x, box.x) or near(x, box.x + box.width))
    )


def random_graph(seed: int, nodes: int, edges: int) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    return [(rng.randrange(nodes), rng.randrange(nodes)) for _ in range(edges)]


def test_a_chain_goes_straight_down():
    layout = layered_layout({1: 0, 2: 1, 3: 2}, [(1, 2), (2, 3)])
    assert_sound(layout, {1: 0, 2: 1, 3: 2})
    one, two, three = (layout.box(i) for i in (1, 2, 3))
    assert one.cx == two.cx == three.cx == VIEW_WIDTH / 2
    assert one.bottom < two.y and two.bottom < three.y
    assert [(line.source, line.target, line.back) for line in layout.lines] == [
        (1, 2, False),
        (2, 3, False),
    ]


def test_a_layer_is_spread_evenly_and_wraps_onto_rows_of_columns():
    layers = {0: 0} | {i: 1 for i in range(1, 8)}  # one root, seven people under it
    layout = layered_layout(layers, [(0, i) for i in range(1, 8)])
    assert_sound(layout, layers)
    rows: dict[float, list] = {}
    for box in layout.boxes:
        if box.layer == 1:
            rows.setdefault(box.y, []).append(box)
    assert [len(r) for r in rows.values()] == [COLUMNS, COLUMNS, 7 - 2 * COLUMNS]
    for row in rows.values():
        centres = sorted(b.cx for b in row)
        gaps = {round(b - a, 1) for a, b in zip(centres, centres[1:])}
        assert len(gaps) <= 1  # evenly spread
        assert round(centres[0] + centres[-1], 1) == VIEW_WIDTH  # and centred


@pytest.mark.parametrize("seed", range(12))
def test_random_graphs_are_drawn_soundly(seed):
    edges = random_graph(seed, nodes=40, edges=70)
    layers, groups, _ = forest_layers(edges, limit=150)
    layout = layered_layout(layers, edges, groups=groups, labelled=False)
    assert_sound(layout, layers)
    # Layers go top to bottom within a tree.
    for a in layout.boxes:
        for b in layout.boxes:
            if groups[a.id] == groups[b.id] and a.layer < b.layer:
                assert a.bottom < b.y


def test_edges_to_unknown_nodes_and_self_loops_are_left_out():
    layout = layered_layout({1: 0, 2: 1}, [(1, 2), (1, 99), (99, 2), (2, 2), (1, 2)])
    assert [(line.source, line.target) for line in layout.lines] == [(1, 2)]


def test_the_same_input_gives_the_same_drawing_whatever_its_order():
    edges = random_graph(7, nodes=30, edges=45)
    layers, groups, _ = forest_layers(edges, limit=150)
    order = {n: f"name {n % 7}" for n in layers}
    first = layered_layout(layers, edges, order=order, groups=groups)
    shuffled_edges = list(edges)
    random.Random(1).shuffle(shuffled_edges)
    shuffled_layers = dict(random.Random(2).sample(sorted(layers.items()), len(layers)))
    again_layers, again_groups, _ = forest_layers(shuffled_edges, limit=150)
    assert again_layers == layers and again_groups == groups
    second = layered_layout(shuffled_layers, shuffled_edges, order=order, groups=groups)
    assert first == second


def test_people_sit_under_whoever_referred_them():
    # Two roots; each one's child should be on its side.
    layers = {1: 0, 2: 0, 10: 1, 20: 1}
    layout = layered_layout(layers, [(2, 20), (1, 10)], order={1: "b", 2: "a"})
    assert layout.box(2).cx < layout.box(1).cx  # "a" before "b"
    assert layout.box(20).cx < layout.box(10).cx  # children follow their referrers


def test_backward_and_sideways_edges_are_marked():
    layout = layered_layout({1: 0, 2: 1, 3: 1}, [(1, 2), (2, 1), (2, 3)])
    kinds = {(line.source, line.target): line.back for line in layout.lines}
    assert kinds == {(1, 2): False, (2, 1): True, (2, 3): True}
    assert_sound(layout, {1: 0, 2: 1, 3: 1})


def test_neighbours_in_a_row_are_joined_straight_across_others_below():
    layers = {1: 0, 2: 0, 3: 0}  # one row: 1, 2, 3 left to right
    layout = layered_layout(layers, [(1, 2), (3, 1)], order={1: "a", 2: "b", 3: "c"})
    assert_sound(layout, layers)
    across, around = (next(l for l in layout.lines if l.source == s) for s in (1, 3))
    one, two = layout.box(1), layout.box(2)
    mid = one.y + one.height / 2
    assert across.d == f"M{one.x + one.width} {mid} L{two.x} {mid}"
    assert " C" in around.d  # 3 → 1 passes 2: a curve under the row


def test_labelled_layers_leave_room_and_rules_between_them():
    layout = layered_layout({1: -1, 2: 0, 3: 1}, [(1, 2), (2, 3)])
    assert [band.layer for band in layout.bands] == [-1, 0, 1]
    assert layout.bands[0].rule_y is None
    for band in layout.bands:
        row_top = min(b.y for b in layout.boxes if b.layer == band.layer)
        assert band.y < row_top  # the label sits above its row
        if band.rule_y is not None:
            assert band.rule_y < band.y


# --- choosing and layering people ----------------------------------------------------------


def test_forest_layers_are_distances_from_the_root_of_each_tree():
    edges = [(1, 2), (2, 3), (1, 4), (10, 11), (3, 5)]
    layers, groups, truncated = forest_layers(edges, limit=150)
    assert layers == {1: 0, 2: 1, 4: 1, 3: 2, 5: 3, 10: 0, 11: 1}
    assert groups[1] == groups[5] != groups[10] == groups[11]
    assert groups[1] == 0  # the root who referred the most comes first
    assert not truncated


def test_forest_keeps_whole_trees_first_and_says_when_it_left_people_out():
    edges = [(1, i) for i in range(100, 110)] + [(2, 200), (3, 300)]
    layers, groups, truncated = forest_layers(edges, limit=12)
    assert truncated
    assert len(layers) == 12
    assert set(range(100, 110)) | {1} <= set(layers)  # the biggest tree whole


def test_a_network_that_is_only_a_loop_is_drawn_too():
    layers, groups, truncated = forest_layers([(1, 2), (2, 3), (3, 1)], limit=150)
    assert sorted(layers) == [1, 2, 3] and sorted(layers.values()) == [0, 1, 2]
    assert not truncated


def test_a_root_whose_people_are_drawn_already_joins_their_tree():
    # 1 -> 2 -> 3, and 9 referred only 3 (already in 1's tree).
    layers, groups, _ = forest_layers([(1, 2), (1, 5), (2, 3), (9, 3)], limit=150)
    assert groups[9] == groups[3]
    assert layers[9] == layers[3] - 1


def test_neighbourhood_puts_referrers_above_and_referred_below():
    layers, truncated = neighbourhood_layers(5, {4: 1, 3: 2}, {6: 1, 7: 2}, limit=150)
    assert layers == {5: 0, 4: -1, 3: -2, 6: 1, 7: 2}
    assert not truncated


def test_neighbourhood_of_a_loop_takes_the_nearer_side():
    # 8 referred 5 (1 step up) and 5 led to 8 through 6 (2 steps down): above it goes.
    layers, _ = neighbourhood_layers(5, {8: 1, 6: 2}, {6: 1, 8: 2}, limit=150)
    assert layers == {5: 0, 8: -1, 6: 1}


def test_neighbourhood_keeps_the_nearest_when_capped():
    descendants = {i: 1 for i in range(100, 110)} | {i: 2 for i in range(200, 300)}
    layers, truncated = neighbourhood_layers(5, {}, descendants, limit=20)
    assert truncated and len(layers) == 20
    assert set(range(100, 110)) <= set(layers)


def test_a_node_is_tall_enough_for_two_lines():
    box = layered_layout({1: 0}, []).box(1)
    assert box.y < box.name_y < box.sub_y < box.y + NODE_HEIGHT


# --- labels -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Al", "Sara Smith", "Kevin O'Brien", "Juniper Software"])
def test_a_label_that_fits_stays_whole(name):
    assert fit_text(name, SUB_SIZE) == name


@pytest.mark.parametrize(
    "name", ["Maximilian Featherstonehaugh-Smythe", "State University Alumni Association", "W" * 40]
)
def test_a_long_label_is_cut_to_fit_its_box(name):
    for size, bold in [(NAME_SIZE, True), (SUB_SIZE, False)]:
        cut = fit_text(name, size, bold)
        assert cut.endswith("…") and name.startswith(cut[:-1])
        assert text_width(cut, size, bold) <= TEXT_ROOM
        kept = cut[:-1]
        longer = name[: len(kept) + 1].rstrip(" ,.-·")
        if longer != kept:  # no shorter than it has to be
            assert text_width(longer + "…", size, bold) > TEXT_ROOM


def test_text_width_grows_with_wide_letters_and_weight():
    assert text_width("iiii", 13) < text_width("mmmm", 13)
    bold = text_width("Sara", 13, bold=True)
    assert text_width("Sara", 13) < bold < text_width("Sara", 14, bold=True)


def test_an_edge_past_a_row_goes_through_a_gap_never_behind_someone_and_wrapped_layers_are_ruled_off():
    # 0 referred seven people (three rows); 1 (first row) referred 99. Drawn behind
    # the box in its way, 0's arrow to 7 read as 2's, then 5's.
    layers = {0: 0} | {i: 1 for i in range(1, 8)} | {99: 2}
    edges = [(0, i) for i in range(1, 8)] + [(1, 99)]
    layout = layered_layout(layers, edges, order={i: i for i in layers}, labelled=False)
    around = {}
    for line in layout.lines:
        found = re.search(r" L([\d.]+) ([\d.]+) ", line.d)
        if found:
            around[line.source, line.target] = float(found[1])
    assert set(around) >= {(1, 99), (0, 4), (0, 7)}  # past the rows of 1-3 and 4-6
    assert (0, 1) not in around and (0, 2) not in around  # the first row, just below
    for (a, b), x in around.items():
        top, bottom = layout.box(a).bottom, layout.box(b).y
        for box in layout.boxes:
            if top < box.y and box.bottom < bottom:
                assert not box.x <= x <= box.x + box.width, (a, b, box.id)
    assert not any(line.far for line in layout.lines)
    rules = [(band.layer, band.rule) for band in layout.bands]
    assert rules == [(0, ""), (1, "layer"), (2, "layer")]


def test_a_narrow_forest_is_ruled_between_trees_only():
    layers, groups, _ = forest_layers([(1, 2), (2, 3), (10, 11)], limit=150)
    layout = layered_layout(layers, [(1, 2), (2, 3), (10, 11)], groups=groups, labelled=False)
    assert [band.rule for band in layout.bands] == ["", "", "", "group", ""]
