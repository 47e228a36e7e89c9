"""The region's index history as an inline SVG line chart, laid out here and drawn by a template
(no script, no inline style: the content security policy allows neither)."""

from dataclasses import dataclass

from django.utils.formats import number_format

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 28, 30, 38
GRID = (0, 25, 50, 75, 100)  # IID is 0-100


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label_y: float  # the value written above the point
    anchor: str  # text-anchor of that value: the end points' values stay inside the plot
    year: int
    iid: str  # formatted for the reader
    predicate: str


@dataclass(frozen=True)
class Gridline:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list[Point]
    grid: list[Gridline]
    polyline: str  # the "points" attribute of the line
    left: int
    right: int
    baseline: float
    year_y: int  # where the years are written, under the plot


def _y(iid) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + plot * (1 - float(iid) / 100), 1)


def _anchor(index: int, count: int) -> str:
    if count == 1:
        return "middle"
    if index == 0:
        return "start"
    return "end" if index == count - 1 else "middle"


def history_chart(snapshots) -> Chart | None:
    """The standing result per year (oldest first) as chart coordinates; None without results."""
    snapshots = [s for s in snapshots if s is not None]
    if not snapshots:
        return None
    plot = WIDTH - LEFT - RIGHT
    step = plot / (len(snapshots) - 1) if len(snapshots) > 1 else 0
    points = []
    for i, snap in enumerate(snapshots):
        x = LEFT + (step * i if len(snapshots) > 1 else plot / 2)
        points.append(
            Point(
                x=round(x, 1),
                y=_y(snap.iid),
                label_y=_y(snap.iid) - 10,
                anchor=_anchor(i, len(snapshots)),
                year=snap.year,
                iid=number_format(snap.iid, decimal_pos=2),
                predicate=snap.predicate,
            )
        )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        points=points,
        grid=[Gridline(y=_y(v), label=str(v)) for v in GRID],
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
        left=LEFT,
        right=WIDTH - RIGHT,
        baseline=_y(0),
        year_y=HEIGHT - 12,
    )
