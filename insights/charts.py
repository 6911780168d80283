"""Charts drawn on the server as SVG: plain shapes placed here, drawn by a template.

No script and no inline style (the strict CSP holds); colours come from CSS classes.
Each chart's numbers are also a table on the page, for screen readers and for a
closer look.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 420, 200
LEFT, RIGHT, TOP, BOTTOM = 26, 4, 12, 30


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    css: str
    title: str


@dataclass
class Tick:
    x: float
    y: float
    text: str


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[Tick]  # along the bottom
    grid: list[Tick]  # values up the side
    legend: list[tuple[str, str]]  # (css class, name)


def weekly(weeks: list[date], series: list[tuple[str, str, list[int]]]) -> Chart:
    """Grouped bars, one group a week; `series` is (name, css class, a value a week)."""
    top = max([1] + [v for _, _, values in series for v in values])
    step = max(1, -(-top // 4))  # four grid lines, whole numbers
    top = step * 4
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group = inner_w / max(1, len(weeks))
    bar = group * 0.8 / max(1, len(series))
    bars, labels = [], []
    for i, day in enumerate(weeks):
        x0 = LEFT + i * group + group * 0.1
        for j, (name, css, values) in enumerate(series):
            h = inner_h * values[i] / top
            bars.append(Bar(
                round(x0 + j * bar, 1), round(TOP + inner_h - h, 1), round(bar - 2, 1),
                round(h, 1), values[i], css, f"{name}, week of {day.day} {day:%b}: {values[i]}",
            ))
        labels.append(Tick(round(LEFT + i * group + group / 2, 1), HEIGHT - BOTTOM + 15, f"{day.day} {day:%b}"))
    grid = [
        Tick(LEFT - 4, round(TOP + inner_h - inner_h * k / 4, 1), str(step * k)) for k in range(5)
    ]
    return Chart(WIDTH, HEIGHT, bars, labels, grid, [(css, name) for name, css, _ in series])


def funnel(stages: list[tuple[str, int]]) -> Chart:
    """One horizontal bar a stage, the widest the largest."""
    row, label_w = 26, 146  # "Asked for a meeting" at 12px, with room to spare
    height = TOP + row * len(stages) + 4
    top = max([1] + [value for _, value in stages])
    inner_w = WIDTH - label_w - 34
    bars, labels = [], []
    for i, (name, value) in enumerate(stages):
        y = TOP + i * row
        w = inner_w * value / top
        bars.append(Bar(label_w, y, round(max(w, 1 if value else 0), 1), row - 8, value, "bar-funnel", f"{name}: {value}"))
        labels.append(Tick(label_w - 6, y + (row - 8) / 2 + 4, name))
    return Chart(WIDTH, height, bars, labels, [], [])
