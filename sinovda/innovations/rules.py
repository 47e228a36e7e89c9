"""The edition's rules for a report, checked on the server with messages that say how to fix them.

What the profile must hold comes from the edition's profile fields (required, choices, minimum
words; the rancang bangun's minimum counted over all its parts); whether the innovation may take
part at all (the implementation window, how often it may be entered and only when it has
developed) is `eligibility_checks`, which the report's page shows before it is sent.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from sinovda import methodology

from . import affairs, profile
from .models import REPORTED_STATES, State, Submission

# The columns the classic (2023-shaped) profile requires. What a report needs is its edition's
# fields (`required` in `[[profile_fields]]`); this stays for code that reads the columns.
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


@dataclass(frozen=True)
class Check:
    """One condition for taking part, as the report's page lists it before sending."""

    field: str  # the profile field a failure points at
    label: str  # what is checked
    ok: bool | None  # None: cannot be judged yet (the fields it needs are empty)
    message: str = ""  # why it fails and how to fix it


def _date(value) -> str:
    return value.strftime("%d-%m-%Y")


def _profile_problems(submission: Submission, edition) -> list[tuple[str, str]]:
    problems = []
    for pf in profile.editable_fields(edition):
        if pf.required and profile.is_empty(submission, pf):
            problems.append((pf.code, _("Bagian “%(label)s” wajib diisi.") % {"label": pf.title}))
            continue
        value = profile.value_of(submission, pf)
        if pf.type == "urusan":
            if value[0] and value[0] not in affairs.ALL:
                problems.append((pf.code, _("Pilih urusan utama dari daftar.")))
        elif pf.type == "choice" and value:
            themes = edition.tematik.items if edition.tematik else ()
            allowed = [o.value for o in pf.options] if pf.options else themes
            if allowed and value not in allowed:
                if pf.options_from == "tematik":
                    problems.append((pf.code, _("Pilih tematik dari daftar pedoman.")))
                else:
                    problems.append(
                        (pf.code, _("Pilih “%(label)s” dari daftar.") % {"label": pf.title})
                    )
        elif pf.min_words and value and word_count(value) < pf.min_words:
            problems.append(
                (
                    pf.code,
                    _(
                        "Bagian “%(label)s” baru %(words)s kata; pedoman %(year)s meminta paling "
                        "sedikit %(min)s kata."
                    )
                    % {
                        "label": pf.title,
                        "words": word_count(value),
                        "year": edition.year,
                        "min": pf.min_words,
                    },
                )
            )
    developed = edition.profile_field("developed")
    dated = edition.profile_field("development_date")
    if (
        developed is not None
        and dated is not None
        and profile.value_of(submission, developed) == profile.YES
        and not submission.development_date
    ):
        problems.append(
            (
                "development_date",
                _("Isi “%(date)s”: laporan ini menjawab “Ya” pada “%(question)s”.")
                % {"date": dated.title, "question": developed.title},
            )
        )
    return problems


def design_words(submission: Submission, edition) -> int:
    """Words of the rancang bangun: all its parts together."""
    return sum(word_count(profile.value_of(submission, pf) or "") for pf in edition.design_fields)


def _earlier_entries(submission: Submission):
    """The innovation's reports sent in earlier editions, latest first."""
    return (
        submission.innovation.submissions.filter(
            state__in=REPORTED_STATES,
            cycle__edition__year__lt=submission.cycle.edition.year,
        )
        .select_related("cycle__edition")
        .order_by("-cycle__edition__year")
    )


def eligibility_checks(submission: Submission) -> list[Check]:
    """Whether this innovation may take part in the edition, each condition with its state."""
    edition = submission.cycle.edition.spec()
    checks = []

    window = edition.eligibility
    dates = [d for d in (submission.implementation_date, submission.development_date) if d]
    inside = any(window.start <= d <= window.end for d in dates)
    checks.append(
        Check(
            "implementation_date",
            _("Diterapkan atau dikembangkan antara %(start)s dan %(end)s")
            % {"start": _date(window.start), "end": _date(window.end)},
            inside if dates else None,
            ""
            if inside or not dates
            else _(
                "Pedoman %(year)s hanya menerima inovasi yang diterapkan atau dikembangkan antara "
                "%(start)s dan %(end)s. Isi tanggal pengembangan terbaru bila inovasi ini lebih lama."
            )
            % {"year": edition.year, "start": _date(window.start), "end": _date(window.end)},
        )
    )

    minimum, parts = edition.rancang_bangun.min_words, edition.design_fields
    if minimum and parts:
        words = design_words(submission, edition)
        if len(parts) == 1:
            message = _(
                "Rancang bangun baru %(words)s kata; pedoman %(year)s meminta paling sedikit "
                "%(min)s kata."
            )
        else:
            message = _(
                "Rancang bangun (%(parts)s) baru %(words)s kata; pedoman %(year)s meminta paling "
                "sedikit %(min)s kata untuk semua bagian bersama-sama."
            )
        values = {
            "words": words,
            "year": edition.year,
            "min": minimum,
            "parts": ", ".join(pf.title for pf in parts),
        }
        checks.append(
            Check(
                parts[0].code,
                _("Rancang bangun paling sedikit %(min)s kata (sekarang %(words)s kata)") % values,
                words >= minimum if words else None,
                "" if words >= minimum or not words else message % values,
            )
        )

    limit = edition.entries.max_per_innovation
    if limit is not None:
        earlier = list(_earlier_entries(submission))
        years = ", ".join(str(s.cycle.edition.year) for s in reversed(earlier))
        entry = len(earlier) + 1
        checks.append(
            Check(
                "name",
                _("Diikutkan paling banyak %(limit)s kali (laporan ini keikutsertaan ke-%(n)s)")
                % {"limit": limit, "n": entry},
                entry <= limit,
                ""
                if entry <= limit
                else _(
                    "Pedoman %(year)s membatasi satu inovasi diikutkan paling banyak %(limit)s "
                    "kali. Inovasi ini sudah diikutkan pada %(years)s."
                )
                % {"year": edition.year, "limit": limit, "years": years},
            )
        )
        if earlier:
            checks.append(_developed_check(submission, edition, earlier[0], years))
    return checks


def _developed_check(submission, edition, previous, years) -> Check:
    """An innovation entered again must have developed since its last report (2024: "maksimal
    dua kali ... inovasinya berkembang"): "Ya" to the development question where the edition asks
    it, and a development date later than the last report's dates."""
    developed = edition.profile_field("developed")
    label = _("Diikutkan lagi: inovasi sudah berkembang sejak laporan %(year)s") % {
        "year": previous.cycle.edition.year
    }
    field = developed.code if developed is not None else "development_date"
    if developed is not None and profile.value_of(submission, developed) != profile.YES:
        return Check(
            field,
            label,
            False,
            _(
                "Inovasi ini sudah diikutkan pada %(years)s. Pedoman %(year)s hanya menerima "
                "inovasi yang diikutkan lagi bila sudah berkembang: jawab “Ya” pada "
                "“%(question)s” dan isi tanggal pengembangan terbaru."
            )
            % {"years": years, "year": edition.year, "question": developed.title},
        )
    last = max(
        (d for d in (previous.implementation_date, previous.development_date) if d),
        default=None,
    )
    dated = submission.development_date
    if dated is None or (last is not None and dated <= last):
        return Check(
            "development_date",
            label,
            False,
            _(
                "Inovasi ini sudah diikutkan pada %(years)s. Isi tanggal pengembangan terbaru "
                "sesudah %(date)s: inovasi yang diikutkan lagi harus sudah berkembang."
            )
            % {"years": years, "date": _date(last) if last else "—"},
        )
    return Check(field, label, True)


def submission_problems(submission: Submission) -> list[tuple[str, str]]:
    """Everything that keeps a report from being sent, as (field, message) pairs."""
    edition = submission.cycle.edition.spec()
    problems = _profile_problems(submission, edition)
    problems += [(c.field, c.message) for c in eligibility_checks(submission) if c.ok is False]
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
