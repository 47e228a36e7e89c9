"""The distribution of a ranking's IIDs as a dot plot, drawn by the server as inline SVG.

One dot per ranked Pemda, stacked in columns of one IID point on a 0–100 axis, coloured by its
predikat (in the edition's band order), so the shape of the field and the bands show at a glance;
one Pemda can be highlighted. Only geometry is computed here; the template writes the SVG (with its
accessible title and description) and the legend.
"""

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe

from sinovda.scores.rankings import Ranking

WIDTH = 640
LEFT, RIGHT, TOP, BOTTOM = 16, 16, 28, 34
PLOT = WIDTH - LEFT - RIGHT
STEP = PLOT / 100  # one IID point
MAX_STACK_HEIGHT = 220
# Highest band first: green, blue, amber, grey; a predikat outside the edition's bands is purple.
PALETTE = ["#1e6b35", "#0b5394", "#b36b00", "#6b7280", "#7a3e9d", "#8a4b00"]
OTHER = "#7a3e9d"


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    colour: str
    name: str
    iid: Decimal
    predicate: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: int


@dataclass(frozen=True)
class Legend:
    predicate: str
    count: int
    colour: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    radius: float
    axis_y: float
    tick_end: float
    tick_label_y: float
    dots: list[Dot]
    ticks: list[Tick]
    legend: list[Legend]
    highlight: Dot | None
    label_anchor: str  # where the highlight's label sits: "start" or "end"
    left: int = LEFT
    right: int = WIDTH - RIGHT

    @property
    def dots_markup(self) -> SafeString:
        """The <circle>s, each with a tooltip; written here because a national chart has hundreds
        (a template loop over them took longer than the rest of the page)."""
        decimal = get_format("DECIMAL_SEPARATOR")
        out = []
        for dot in self.dots:
            iid = f"{dot.iid:.2f}".replace(".", decimal)
            tip = escape(f"{dot.name}: {iid} ({dot.predicate})")
            out.append(
                f'<circle cx="{dot.x}" cy="{dot.y}" r="{self.radius}" fill="{dot.colour}">'
                f"<title>{tip}</title></circle>"
            )
        return mark_safe("".join(out))  # noqa: S308 - the only text (tooltips) is escaped


def colours(ranking: Ranking) -> dict[str, str]:
    return {
        predicate: PALETTE[i] if i < len(PALETTE) else OTHER
        for i, (predicate, _count) in enumerate(ranking.predicate_counts)
    }


def dot_plot(ranking: Ranking, highlight_code: str | None = None) -> Chart | None:
    """The chart of the ranked rows; None when nothing is ranked."""
    ranked = [row for row in ranking.rows if row.snapshot is not None]
    if not ranked:
        return None
    colour_of = colours(ranking)
    columns: dict[int, int] = {}
    placed = []
    # Lowest IID first inside a column, so the stack grows upward like a histogram.
    for row in sorted(ranked, key=lambda r: (r.snapshot.iid, r.region.code)):
        column = min(int(row.snapshot.iid), 99)
        level = columns.get(column, 0)
        columns[column] = level + 1
        placed.append((row, column, level))
    tallest = max(columns.values())
    pitch = min(STEP, MAX_STACK_HEIGHT / tallest)  # very tall stacks overlap rather than grow
    axis_y = TOP + tallest * pitch + 4
    dots, highlight = [], None
    for row, _column, level in placed:
        snap = row.snapshot
        dot = Dot(
            x=round(LEFT + float(snap.iid) * STEP, 1),
            y=round(axis_y - 4 - (level + 0.5) * pitch, 1),
            colour=colour_of.get(snap.predicate, OTHER),
            name=row.region.name,
            iid=snap.iid,
            predicate=snap.predicate,
        )
        dots.append(dot)
        if row.region.code == highlight_code:
            highlight = dot
    ticks = [Tick(round(LEFT + value * STEP, 1), value) for value in range(0, 101, 20)]
    legend = [
        Legend(predicate, count, colour_of.get(predicate, OTHER))
        for predicate, count in ranking.predicate_counts
    ]
    anchor = "end" if highlight is not None and highlight.x > WIDTH / 2 else "start"
    return Chart(
        width=WIDTH,
        height=round(axis_y + BOTTOM),
        radius=round(STEP / 2 - 0.3, 2),
        axis_y=round(axis_y, 1),
        tick_end=round(axis_y + 4, 1),
        tick_label_y=round(axis_y + 18, 1),
        dots=dots,
        ticks=ticks,
        legend=legend,
        highlight=highlight,
        label_anchor=anchor,
    )
