"""The edition's rules for a report, checked on the server with messages that say how to fix them."""

import re

from django.utils.translation import gettext as _

from sinovda import methodology

from . import affairs
from .models import REPORTED_STATES, State, Submission

REQUIRED_PROFILE = (
    "name",
    "stage",
    "initiator_kind",
    "initiator_name",
    "kind",
    "form",
    "main_affair",
    "implementation_date",
    "design",
    "goal",
    "benefit",
    "result",
)


class RuleError(Exception):
    def __init__(self, field, message):
        super().__init__(message)
        self.field, self.message = field, message


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text or ""))


def check_unique_name(cycle, name: str, exclude: Submission | None = None) -> None:
    """The same innovation name cannot be reported twice by a Pemda in one cycle."""
    others = Submission.objects.filter(cycle=cycle, name__iexact=name.strip()).exclude(
        state=State.WITHDRAWN
    )
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise RuleError(
            "name",
            _(
                "Inovasi dengan nama ini sudah dilaporkan di siklus ini. Gunakan nama lain "
                "atau buka laporan yang ada."
            ),
        )


def check_entry_limit(cycle, innovation) -> None:
    limit = cycle.edition.spec().entries.max_per_innovation
    if limit is None:
        return
    earlier = innovation.submissions.filter(state__in=REPORTED_STATES).exclude(cycle=cycle).count()
    if earlier + 1 > limit:
        raise RuleError(
            "name",
            _("Pedoman %(year)s membatasi satu inovasi diikutkan paling banyak %(limit)s kali.")
            % {"year": cycle.edition.year, "limit": limit},
        )


def _row(rows, code):
    for row in rows:
        if row.code == code:
            return row
    return None


def check_indicator(edition: methodology.Edition, code: str, level) -> None:
    row = _row(edition.sid_rows, code)
    if row is None:
        raise RuleError(
            "indicator", _("Indikator %(code)s tidak ada di pedoman ini.") % {"code": code}
        )
    if level is not None and level not in (0, 1, 2, 3):
        raise RuleError("level", _("Pilih tingkat 1, 2 atau 3, atau kosongkan."))


def check_spd_row(edition: methodology.Edition, code: str, level) -> None:
    if _row(edition.spd_rows, code) is None:
        raise RuleError("row", _("Baris SPD %(code)s tidak ada di pedoman ini.") % {"code": code})
    if level is not None and level not in (0, 1, 2, 3):
        raise RuleError("level", _("Pilih tingkat 1, 2 atau 3, atau kosongkan."))


def submission_problems(submission: Submission) -> list[tuple[str, str]]:
    """Everything that keeps a report from being sent, as (field, message) pairs."""
    edition = submission.cycle.edition.spec()
    problems = []
    for field in REQUIRED_PROFILE:
        if not getattr(submission, field):
            label = Submission._meta.get_field(field).verbose_name
            problems.append((field, _("Bagian “%(label)s” wajib diisi.") % {"label": label}))
    if submission.main_affair and submission.main_affair not in affairs.ALL:
        problems.append(("main_affair", _("Pilih urusan utama dari daftar.")))
    minimum = edition.rancang_bangun.min_words
    words = word_count(submission.design)
    if minimum and submission.design and words < minimum:
        problems.append(
            (
                "design",
                _(
                    "Rancang bangun baru %(words)s kata; pedoman %(year)s meminta paling sedikit %(min)s kata."
                )
                % {"words": words, "year": edition.year, "min": minimum},
            )
        )
    window = edition.eligibility
    dates = [d for d in (submission.implementation_date, submission.development_date) if d]
    if window and dates and not any(window.start <= d <= window.end for d in dates):
        problems.append(
            (
                "implementation_date",
                _(
                    "Pedoman %(year)s hanya menerima inovasi yang diterapkan atau dikembangkan antara "
                    "%(start)s dan %(end)s. Isi tanggal pengembangan terbaru bila inovasi ini lebih lama."
                )
                % {
                    "year": edition.year,
                    "start": window.start.strftime("%d-%m-%Y"),
                    "end": window.end.strftime("%d-%m-%Y"),
                },
            )
        )
    themes = edition.tematik.items if edition.tematik else ()
    if themes and submission.theme and submission.theme not in themes:
        problems.append(("theme", _("Pilih tematik dari daftar pedoman.")))
    answered = {
        code
        for code, level in submission.answers.values_list("indicator_code", "claimed_level")
        if level
    }
    for row in edition.sid_rows:
        if row.mandatory and row.code not in answered:
            problems.append(
                (
                    f"indicator-{row.code}",
                    _("Indikator wajib %(code)s (%(name)s) belum diisi.")
                    % {"code": row.code, "name": row.name},
                )
            )
    return problems
