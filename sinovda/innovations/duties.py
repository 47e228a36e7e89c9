"""Separation of duties: whoever entered or sent a claim does not also judge it.

A Pemda whose innovation team is one person may switch this off (`Region.allow_self_review`, an
audited setting, off by default); each review that relies on it is marked in the audit trail.
Each function returns None when the person may act, or the Indonesian sentence that says why not.
"""

from django.utils.translation import gettext as _


def _self_review_allowed(access) -> bool:
    return bool(access.region.allow_self_review)


def sender_refusal(access, submission) -> str | None:
    """Notes, return, verify and reject need someone other than the person who sent the report."""
    if submission.submitted_by_id != access.user.pk or _self_review_allowed(access):
        return None
    return _(
        "Anda yang mengirim laporan ini, jadi laporan harus diperiksa dan diputuskan oleh "
        "verifikator lain."
    )


def answer_refusal(access, submission, answer) -> str | None:
    """A decision on one answer needs someone who neither entered that claim nor sent the report."""
    if _self_review_allowed(access):
        return None
    if answer.claimed_by_id == access.user.pk:
        return _(
            "Anda yang mengisi klaim indikator ini, jadi klaim ini harus diperiksa verifikator lain."
        )
    return sender_refusal(access, submission)


def spd_refusal(access, answer) -> str | None:
    if answer.answered_by_id != access.user.pk or _self_review_allowed(access):
        return None
    return _("Jawaban SPD harus diperiksa orang lain, bukan yang mengisinya.")


def is_self_review(access, submission, answer=None) -> bool:
    """True when a review went through only because the region allows one person to do both."""
    me = access.user.pk
    return submission.submitted_by_id == me or (answer is not None and answer.claimed_by_id == me)
