"""All checks of one document for one answer, from what was read from the file and the answer.

`file_results` needs only the file; `answer_results` needs the edition, the indicator, the claimed
level and the innovation's name (a `Context`). Neither touches the database, so the labelled set
and the background task run the very same code.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from sinovda.methodology import Edition

from . import Result, Status, dates, names, readable, signer, text, video
from .extract import Extracted


@dataclass(frozen=True)
class Context:
    edition: Edition
    indicator_code: str
    level: int | None
    innovation_name: str
    link: str = ""
    uploaded_on: datetime.date | None = None
    metadata_date: datetime.date | None = None

    @property
    def rule(self):
        return self.edition.evidence_rule(self.indicator_code)

    @property
    def resolved(self):
        rule = self.rule
        return rule.for_level(self.level) if rule is not None else None

    def source(self, *, level: bool = True) -> str:
        if level and self.level:
            return _("pedoman %(year)s, indikator %(code)s, tingkat %(level)s") % {
                "year": self.edition.year,
                "code": self.indicator_code,
                "level": self.level,
            }
        return _("pedoman %(year)s, indikator %(code)s") % {
            "year": self.edition.year,
            "code": self.indicator_code,
        }

    def window(self) -> dates.Window:
        """The indicator's own window for the level, else the edition's implementation window."""
        resolved = self.resolved
        if resolved is not None and resolved.window:
            start, end = self.edition.evidence_window(resolved.window)
            return dates.Window(start, end, True, self.source())
        eligibility = self.edition.eligibility
        return dates.Window(
            eligibility.start,
            eligibility.end,
            False,
            _("jendela penerapan pedoman %(year)s") % {"year": self.edition.year},
        )


def file_results(extracted: Extracted) -> list[Result]:
    return [r for r in (readable.check(extracted), text.check(extracted)) if r is not None]


def answer_results(extracted: Extracted, context: Context) -> list[Result]:
    """The checks that compare the document with what the answer claims."""
    if not extracted.readable:
        return []
    resolved = context.resolved
    if extracted.kind == "mp4":
        max_seconds = resolved.max_video_seconds if resolved is not None else None
        result = video.check_duration(
            extracted.duration, max_seconds, source=context.source(level=False)
        )
        return [result] if result is not None else []
    results = []
    # A scan OCR could barely read gives fragments, not text: checking them would only mislead.
    legible = extracted.text_source == "layer" or extracted.ocr_words >= text.MIN_OCR_WORDS
    body = extracted.text if legible else ""
    has_words = bool(body.strip())
    picture = extracted.kind in ("jpg", "png")
    # A photo without a date is normal; a date found on it is still worth comparing.
    if not picture or dates.document_date(body):
        results.append(
            dates.check(
                body if has_words else "",
                context.window(),
                uploaded_on=context.uploaded_on,
                metadata_date=context.metadata_date,
            )
        )
    # The rule decides whether the document must name the innovation; without one, decrees must.
    name_required = resolved.name if resolved is not None else None
    if has_words:
        results.append(names.check(context.innovation_name, body, required=name_required))
    elif name_required and not picture:
        results.append(
            Result(
                "name",
                Status.UNKNOWN,
                _("Nama inovasi tidak dapat dicari karena teks dokumen tidak terbaca."),
                {"name": context.innovation_name},
            )
        )
    if resolved is not None and resolved.signer and not picture:
        results.append(
            signer.check(
                body if has_words else "",
                resolved.signer,
                level=context.level,
                source=context.source(),
            )
        )
    return [r for r in results if r is not None]


def link_result(context: Context) -> Result | None:
    resolved = context.resolved
    allowed = resolved.links if resolved is not None else ()
    return video.check_link(context.link, allowed, source=context.source(level=False))
