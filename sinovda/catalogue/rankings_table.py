"""The ranking table's body, written in Python rather than in the template.

A national table has a row for every Pemda of a kind (415 kabupaten): as template code each row cost
a dozen nodes, translations and includes, and the page took about a second to render. Here the
labels are translated once per page, every value from the data is escaped (the standard library's
`html.escape`, as Django's own filter does), and a row is one string.
The table's head, its caption and everything around it stay in templates/catalogue/rankings/.
"""

from html import escape

from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sinovda.scores.models import Source

BADGE_CLASS = {Source.ANNOUNCED: "badge badge-ok", Source.SYNTHETIC: "badge badge-warning"}


class _Words:
    """What a row says, translated once per page."""

    def __init__(self, previous_year: int):
        self.decimal = get_format("DECIMAL_SEPARATOR")
        self.up = _("naik %(amount)s")
        self.down = _("turun %(amount)s")
        self.same = escape(_("tetap"))
        self.none = escape(_("tidak ada hasil tahun sebelumnya"))
        self.reference = _("Rujukan %(number)s")
        self.rank = escape(_("Peringkat"))
        self.region = escape(_("Pemda"))
        self.iid = escape(_("IID"))
        self.predicate = escape(_("Predikat"))
        self.change = escape(_("Perubahan dari %(year)s") % {"year": previous_year})
        self.n = escape(_("Jumlah inovasi yang dilaporkan"))
        self.source = escape(_("Sumber"))
        self.note = escape(_("Keterangan"))
        self.marked = escape(_("ditandai"))
        self.missing = escape(_("belum ada data"))

    def number(self, value) -> str:
        """Two decimals with the language's separator (IIDs and changes stay below 1000)."""
        return f"{value:.2f}".replace(".", self.decimal)

    def change_cell(self, line) -> str:
        if line.direction in ("up", "down"):
            amount = self.number(line.amount)
            arrow, css, words = (
                ("↑ +", "dash-up", self.up)
                if line.direction == "up"
                else ("↓ −", "dash-down", self.down)
            )
            said = escape(words % {"amount": amount})
            return (
                f'<span class="{css}"><span aria-hidden="true">{arrow}{amount}</span>'
                f'<span class="visually-hidden">{said}</span></span>'
            )
        if line.direction == "same":
            return (
                f'<span aria-hidden="true">= {self.number(0)}</span>'
                f'<span class="visually-hidden">{self.same}</span>'
            )
        return f'<span aria-hidden="true">—</span><span class="visually-hidden">{self.none}</span>'


def table_rows(lines, *, previous_year: int, show_province: bool) -> SafeString:
    """The <tr> elements of the ranking table, in the order of `lines`."""
    w = _Words(previous_year)
    out = []
    for line in lines:
        row, snap = line.row, line.row.snapshot
        region = row.region
        name = escape(region.name)
        if line.highlighted:
            name = f'<strong>{name}</strong> <span class="badge">{w.marked}</span>'
        if show_province and region.province is not None:
            name += f'<br><span class="muted">{escape(region.province.name)}</span>'
        rank = "—" if row.rank is None else str(row.rank)
        if line.highlighted and row.rank is not None:
            rank = f"<strong>{rank}</strong>"
        cells = [
            f'<td class="num" data-label="{w.rank}">{rank}</td>',
            f'<td data-label="{w.region}">{name}</td>',
        ]
        if snap is None:
            cells.append(f'<td class="num" data-label="{w.iid}">—</td>')
            cells.append(
                f'<td colspan="4" data-label="{w.note}"><span class="badge">{w.missing}</span></td>'
            )
        else:
            citation = line.citation
            n = "—" if snap.innovations is None else str(snap.innovations)
            reference = escape(w.reference % {"number": citation.number})
            cells += [
                f'<td class="num" data-label="{w.iid}">{w.number(snap.iid)}</td>',
                f'<td data-label="{w.predicate}">{escape(snap.predicate)}</td>',
                f'<td class="num dash-change" data-label="{w.change}">{w.change_cell(line)}</td>',
                f'<td class="num" data-label="{w.n}">{n}</td>',
                f'<td data-label="{w.source}">'
                f'<span class="{BADGE_CLASS.get(snap.source, "badge")}">'
                f"{escape(citation.source_label)}</span> "
                f'<a href="#sumber-{citation.number}" aria-label="{reference}">'
                f"[{citation.number}]</a></td>",
            ]
        current = ' aria-current="true"' if line.highlighted else ""
        out.append(f'<tr id="pemda-{escape(region.code)}"{current}>{"".join(cells)}</tr>')
    return mark_safe("\n".join(out))  # noqa: S308 - every value from the data is escaped above


def highlight_options(lines, selected: str | None) -> SafeString:
    """<option>s of the ranked Pemda for the "mark on the chart" selector."""
    out = []
    for line in lines:
        if line.row.snapshot is None:
            continue
        code = escape(line.row.region.code)
        chosen = " selected" if line.row.region.code == selected else ""
        out.append(f'<option value="{code}"{chosen}>{escape(line.row.region.name)}</option>')
    return mark_safe("".join(out))  # noqa: S308 - codes and names are escaped
