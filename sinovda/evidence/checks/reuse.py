"""The same file already backs another innovation this year, or backed one in an earlier year.

Shown as information, never refused: a regional decree legitimately backs several innovations. Only
the OPD's own innovations are named (the caller looks no further), so an OPD never learns what
another OPD has uploaded.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import Result, Status

SHOWN = 5  # names listed at most


@dataclass(frozen=True)
class Use:
    innovation: str
    year: int
    indicator: str


def check(uses: list[Use], *, year: int) -> Result:
    others = sorted({u.innovation for u in uses if u.year == year})
    earlier = sorted({(u.year, u.innovation) for u in uses if u.year < year}, reverse=True)
    details = {
        "same_year": others[:20],
        "earlier": [[y, name] for y, name in earlier[:20]],
    }
    if not others and not earlier:
        return Result(
            "reuse",
            Status.OK,
            _("Berkas ini belum dipakai untuk inovasi lain OPD ini, tahun ini maupun sebelumnya."),
            details,
        )
    parts = []
    if others:
        parts.append(
            _("Berkas yang sama juga dipakai untuk inovasi lain tahun ini: %(names)s.")
            % {"names": _list([f"“{name}”" for name in others])}
        )
    if earlier:
        parts.append(
            _("Berkas yang sama sudah dipakai pada tahun sebelumnya: %(uses)s.")
            % {"uses": _list([f"“{name}” ({y})" for y, name in earlier])}
        )
    parts.append(_("Ini hanya informasi; pastikan dokumennya memang berlaku untuk laporan ini."))
    return Result("reuse", Status.WARNING, " ".join(parts), details)


def _list(items: list[str]) -> str:
    shown = ", ".join(items[:SHOWN])
    if len(items) > SHOWN:
        shown += " " + _("dan %(n)s lainnya") % {"n": len(items) - SHOWN}
    return shown
