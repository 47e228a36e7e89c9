"""When a cycle's data may change: one place for every action's date rule.

Each function returns None when the action is open today, or the Indonesian sentence that says why
not and what to do. Actions raise it as `ActionRefused`; pages show it instead of a button.

The rules (docs/decisions.md, "Every change checks the cycle's dates"):
- a draft is prepared and sent until the submission deadline (drafts may be prepared before the
  window opens, but sent only inside it);
- a report returned by a verifier may be corrected and resent until the review deadline, so a return
  during the review phase is not a dead end;
- reviews (answers, profile notes, return, verify, reject) and the SPD run until the review deadline;
- after that the cycle is closed. The koordinator may reopen one decided report until a chosen day
  (`Submission.reopened_until`), or move the cycle's dates; both are audited.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from sinovda.cycles.models import Phase

from .models import State


def _today(today):
    return today or timezone.localdate()


def _date(value: datetime.date) -> str:
    return value.strftime("%d-%m-%Y")


def is_reopened(submission, today=None) -> bool:
    until = submission.reopened_until
    return until is not None and _today(today) <= until


def _closed_message(cycle) -> str:
    return _(
        "Siklus %(year)s sudah ditutup (batas verifikasi %(date)s). Data siklus ini tidak dapat "
        "diubah lagi; minta koordinator membuka kembali laporan atau memperpanjang jadwal."
    ) % {"year": cycle.edition.year, "date": _date(cycle.review_deadline)}


def _reporting_over_message(cycle) -> str:
    return _(
        "Masa penjaringan sudah berakhir (%(date)s). Laporan baru tidak dapat dibuat, diubah atau "
        "dikirim; hubungi koordinator bila jadwal perlu diperpanjang."
    ) % {"date": _date(cycle.submit_deadline)}


def create_refusal(cycle, today=None) -> str | None:
    """A new draft (typed or carried over from last year) in this cycle."""
    phase = cycle.phase(_today(today))
    if phase in {Phase.NOT_OPEN, Phase.REPORTING}:
        return None
    return _closed_message(cycle) if phase == Phase.CLOSED else _reporting_over_message(cycle)


def edit_refusal(submission, today=None) -> str | None:
    """The operator's changes to a draft or returned report (profile, answers, replies)."""
    if is_reopened(submission, today):
        return None
    cycle = submission.cycle
    phase = cycle.phase(_today(today))
    if phase == Phase.CLOSED:
        return _closed_message(cycle)
    if submission.state == State.DRAFT and phase == Phase.REVIEW:
        return _reporting_over_message(cycle)
    return None


def send_refusal(submission, today=None) -> str | None:
    """Sending a draft, or resending a returned report."""
    if is_reopened(submission, today):
        return None
    cycle = submission.cycle
    phase = cycle.phase(_today(today))
    if phase == Phase.REPORTING:
        return None
    if submission.state == State.RETURNED and phase == Phase.REVIEW:
        return None
    if phase == Phase.CLOSED:
        return _closed_message(cycle)
    return _(
        "Penjaringan tidak sedang dibuka (%(opens)s sampai %(deadline)s). Laporan tidak dapat "
        "dikirim; hubungi koordinator bila jadwal perlu diperpanjang."
    ) % {"opens": _date(cycle.opens_on), "deadline": _date(cycle.submit_deadline)}


def withdraw_refusal(submission, today=None) -> str | None:
    """Withdrawing changes the number of reported innovations, so a sent report can be withdrawn
    only while reports can still be sent."""
    if submission.state == State.DRAFT:
        return edit_refusal(submission, today)
    if is_reopened(submission, today) or submission.cycle.accepts_submissions(_today(today)):
        return None
    return _(
        "Laporan yang sudah dikirim hanya dapat ditarik selama penjaringan (sampai %(date)s)."
    ) % {"date": _date(submission.cycle.submit_deadline)}


def review_refusal(submission, today=None) -> str | None:
    """Decisions on answers, notes on the profile, and the verdict."""
    if is_reopened(submission, today) or submission.cycle.accepts_reviews(_today(today)):
        return None
    cycle = submission.cycle
    if cycle.phase(_today(today)) == Phase.NOT_OPEN:
        return _("Penjaringan siklus ini belum dibuka.")
    return _("Masa verifikasi siklus ini sudah berakhir (%(date)s).") % {
        "date": _date(cycle.review_deadline)
    }


def spd_refusal(cycle, today=None) -> str | None:
    """The koordinator's SPD claims and their review run from the opening to the review deadline."""
    if cycle.accepts_reviews(_today(today)):
        return None
    if cycle.phase(_today(today)) == Phase.NOT_OPEN:
        return _(
            "Penjaringan siklus ini belum dibuka (mulai %(date)s). Jawaban SPD dapat diisi "
            "setelah dibuka."
        ) % {"date": _date(cycle.opens_on)}
    return _(
        "Siklus %(year)s sudah ditutup (batas verifikasi %(date)s). Jawaban SPD tidak dapat "
        "diubah lagi; perpanjang jadwal siklus bila memang perlu diubah."
    ) % {"year": cycle.edition.year, "date": _date(cycle.review_deadline)}
