"""Every change to an innovation report is one of these functions.

Each is atomic, checks the acting person's role and the cycle's dates, writes an AuditEvent in the
same transaction, and notifies the people who must act next. Views only translate HTTP into calls.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sinovda.audit.models import record
from sinovda.regions.access import RegionAccess

from . import notifications, rules
from .models import (
    EDITABLE_STATES,
    Answer,
    FieldComment,
    Innovation,
    RegionAnswer,
    ReviewState,
    State,
    Submission,
)

PROFILE_FIELDS = (
    "name",
    "stage",
    "initiator_kind",
    "initiator_name",
    "kind",
    "form",
    "main_affair",
    "other_affairs",
    "theme",
    "trial_date",
    "implementation_date",
    "development_date",
    "design",
    "goal",
    "benefit",
    "result",
    "budget",
    "video_url",
)


class ActionRefused(Exception):
    """The action cannot happen now; the message (Indonesian) says why and what to do."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


class StaleEdit(ActionRefused):
    """Someone else saved the submission after this person opened it."""


def _profile(submission) -> dict:
    return {f: getattr(submission, f) for f in PROFILE_FIELDS}


def may_edit(access: RegionAccess, submission: Submission) -> bool:
    if access.can_manage:
        return True
    agency = access.agency
    return agency is not None and agency.pk == submission.innovation.agency_id


def _require(condition: bool):
    if not condition:
        raise PermissionDenied


def _bump(submission: Submission, expected_version: int, **fields) -> None:
    """Save fields only if nobody saved since `expected_version` (optimistic locking)."""
    updated = Submission.objects.filter(pk=submission.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise StaleEdit(
            _(
                "Laporan ini sudah diubah orang lain sejak Anda membukanya. Perubahan Anda belum "
                "disimpan. Muat ulang halaman, periksa perubahan terbaru, lalu isi kembali."
            )
        )
    submission.version = expected_version + 1
    for name, value in fields.items():
        setattr(submission, name, value)


# --- creating and editing -------------------------------------------------------------------


@transaction.atomic
def create_submission(access: RegionAccess, cycle, *, agency, name: str) -> Submission:
    """A new innovation of an OPD and its first report, as a draft."""
    _require(access.can_manage or (access.agency is not None and access.agency.pk == agency.pk))
    if cycle.region_id != access.region.pk or agency.region_id != access.region.pk:
        raise PermissionDenied
    rules.check_unique_name(cycle, name)
    innovation = Innovation.objects.create(
        region=access.region, agency=agency, name=name, created_by=access.user
    )
    submission = Submission.objects.create(
        innovation=innovation, cycle=cycle, name=name, created_by=access.user
    )
    record(
        "submission.create",
        actor=access.user,
        obj=submission,
        region=access.region,
        after={"name": name, "agency": agency.pk, "cycle": cycle.pk},
    )
    return submission


@transaction.atomic
def save_profile(
    access: RegionAccess, submission: Submission, *, expected_version: int, **values
) -> Submission:
    """Save a draft's profile as typed (partial is fine); checks happen when it is submitted."""
    _require(may_edit(access, submission))
    if submission.state not in EDITABLE_STATES:
        raise ActionRefused(_("Laporan yang sudah dikirim tidak dapat diubah."))
    if "name" in values:
        rules.check_unique_name(submission.cycle, values["name"], exclude=submission)
    before = _profile(submission)
    _bump(submission, expected_version, **values)
    if "name" in values and values["name"] != submission.innovation.name:
        Innovation.objects.filter(pk=submission.innovation_id).update(name=values["name"])
    after = _profile(submission)
    changed = [f for f in PROFILE_FIELDS if before[f] != after[f]]
    record(
        "submission.edit_profile",
        actor=access.user,
        obj=submission,
        region=access.region,
        before={f: before[f] for f in changed},
        after={f: after[f] for f in changed},
    )
    return submission


@transaction.atomic
def save_answer(
    access: RegionAccess,
    submission: Submission,
    *,
    indicator_code: str,
    level: int | None,
    link: str = "",
    documents=(),
    reply: str | None = None,
    expected_version: int,
) -> Answer:
    """Set the claimed level of one indicator and its evidence. A changed claim needs review again."""
    _require(may_edit(access, submission))
    if submission.state not in EDITABLE_STATES:
        raise ActionRefused(_("Laporan yang sudah dikirim tidak dapat diubah."))
    edition = submission.cycle.edition.spec()
    rules.check_indicator(edition, indicator_code, level)
    for document in documents:
        if document.region_id != access.region.pk:
            raise PermissionDenied
    _bump(submission, expected_version)
    answer, _created = Answer.objects.get_or_create(
        submission=submission, indicator_code=indicator_code
    )
    before = {"level": answer.claimed_level, "link": answer.link}
    if answer.claimed_level != level:
        answer.claimed_level = level
        answer.review_state = ReviewState.PENDING
        answer.verified_level = None
    answer.link = link
    if reply is not None:
        answer.reply = reply
    answer.save()
    answer.documents.set(documents)
    record(
        "answer.claim",
        actor=access.user,
        obj=submission,
        region=access.region,
        before={indicator_code: before},
        after={
            indicator_code: {
                "level": level,
                "link": link,
                "documents": [d.pk for d in documents],
            }
        },
    )
    return answer


def decided_level(claimed: int | None, decision: str, level: int | None, note: str) -> int:
    """The verified level a review decision gives, or why the decision is not valid.

    Accept keeps the claim; lower needs a level below the claim; reject is 0. Anything but
    accepting must say why, so the operator can fix it.
    """
    claimed = claimed or 0
    if decision == ReviewState.ACCEPTED:
        return claimed
    if decision not in (ReviewState.LOWERED, ReviewState.REJECTED):
        raise ActionRefused(_("Pilih keputusan: terima, turunkan, atau tolak."))
    if not note:
        raise ActionRefused(
            _("Tulis catatan yang menjelaskan kepada operator mengapa klaim ini diubah.")
        )
    if decision == ReviewState.REJECTED:
        return 0
    if level is None or not 0 <= level < claimed:
        raise ActionRefused(_("Pilih tingkat yang lebih rendah dari klaim operator."))
    return level


# --- transitions ----------------------------------------------------------------------------


def _locked(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update()
        .select_related("cycle__edition", "innovation__agency", "cycle__region")
        .get(pk=submission.pk)
    )


def _transition(access, submission, action, to_state, *, note="", **extra) -> Submission:
    before = submission.state
    fields = {"state": to_state, **extra}
    _bump(submission, submission.version, **fields)
    record(
        action,
        actor=access.user,
        obj=submission,
        region=access.region,
        before={"state": before},
        after={"state": to_state, **({"note": note} if note else {})},
    )
    return submission


@transaction.atomic
def submit(access: RegionAccess, submission: Submission) -> Submission:
    submission = _locked(submission)
    _require(may_edit(access, submission))
    if submission.state not in EDITABLE_STATES:
        raise ActionRefused(_("Laporan ini sudah dikirim."))
    cycle = submission.cycle
    if not cycle.accepts_submissions():
        raise ActionRefused(
            _(
                "Penjaringan tidak sedang dibuka (%(opens)s sampai %(deadline)s). Laporan tidak "
                "dapat dikirim; hubungi koordinator bila jadwal perlu diperpanjang."
            )
            % {
                "opens": cycle.opens_on.strftime("%d-%m-%Y"),
                "deadline": cycle.submit_deadline.strftime("%d-%m-%Y"),
            }
        )
    problems = rules.submission_problems(submission)
    if problems:
        raise ActionRefused(
            _("Laporan belum lengkap. Perbaiki hal berikut lalu kirim lagi."), problems
        )
    _transition(
        access, submission, "submission.submit", State.SUBMITTED, submitted_at=timezone.now()
    )
    notifications.submitted(submission)
    return submission


@transaction.atomic
def withdraw(access: RegionAccess, submission: Submission) -> Submission:
    submission = _locked(submission)
    _require(may_edit(access, submission))
    if submission.state not in {State.DRAFT, State.SUBMITTED}:
        raise ActionRefused(_("Hanya laporan draf atau yang menunggu verifikasi dapat ditarik."))
    return _transition(access, submission, "submission.withdraw", State.WITHDRAWN)


def _review_open(access, submission):
    _require(access.is_reviewer)
    if submission.state != State.SUBMITTED:
        raise ActionRefused(_("Laporan ini tidak sedang menunggu verifikasi."))
    if not submission.cycle.accepts_reviews():
        raise ActionRefused(
            _("Masa verifikasi siklus ini sudah berakhir (%(date)s).")
            % {"date": submission.cycle.review_deadline.strftime("%d-%m-%Y")}
        )


@transaction.atomic
def review_answer(
    access: RegionAccess,
    answer: Answer,
    *,
    decision: str,
    level: int | None = None,
    note: str = "",
) -> Answer:
    """Accept the claimed level, lower it, or reject it (0). A note is required unless accepted."""
    submission = _locked(answer.submission)
    _review_open(access, submission)
    note = note.strip()
    verified = decided_level(answer.claimed_level, decision, level, note)
    before = {"state": answer.review_state, "verified": answer.verified_level}
    answer.review_state, answer.verified_level, answer.review_note = decision, verified, note
    answer.reviewed_by, answer.reviewed_at = access.user, timezone.now()
    answer.save(
        update_fields=[
            "review_state",
            "verified_level",
            "review_note",
            "reviewed_by",
            "reviewed_at",
        ]
    )
    _bump(submission, submission.version)
    record(
        "answer.review",
        actor=access.user,
        obj=submission,
        region=access.region,
        before={answer.indicator_code: before},
        after={answer.indicator_code: {"state": decision, "verified": verified, "note": note}},
    )
    return answer


@transaction.atomic
def comment_field(access: RegionAccess, submission: Submission, *, field: str, note: str):
    submission = _locked(submission)
    _review_open(access, submission)
    if field not in PROFILE_FIELDS or not note.strip():
        raise ActionRefused(_("Pilih bagian profil dan tulis catatannya."))
    comment = FieldComment.objects.create(
        submission=submission, field=field, note=note.strip(), author=access.user
    )
    record(
        "submission.comment_field",
        actor=access.user,
        obj=submission,
        region=access.region,
        after={"field": field, "note": note.strip()},
    )
    return comment


@transaction.atomic
def reply_field_comment(access: RegionAccess, comment: FieldComment, *, reply: str):
    submission = _locked(comment.submission)
    _require(may_edit(access, submission))
    if submission.state not in EDITABLE_STATES:
        raise ActionRefused(_("Tanggapan hanya dapat ditulis saat laporan dikembalikan."))
    comment.reply = reply.strip()
    comment.save(update_fields=["reply"])
    record(
        "submission.reply_comment",
        actor=access.user,
        obj=submission,
        region=access.region,
        after={"field": comment.field, "reply": comment.reply},
    )
    return comment


@transaction.atomic
def return_for_revision(access: RegionAccess, submission: Submission, *, note: str) -> Submission:
    submission = _locked(submission)
    _review_open(access, submission)
    if not note.strip():
        raise ActionRefused(
            _("Tulis apa yang harus diperbaiki operator sebelum mengembalikan laporan.")
        )
    _transition(access, submission, "submission.return", State.RETURNED, note=note.strip())
    notifications.returned(submission, note.strip())
    return submission


@transaction.atomic
def verify(access: RegionAccess, submission: Submission) -> Submission:
    submission = _locked(submission)
    _review_open(access, submission)
    pending = list(
        submission.answers.filter(review_state=ReviewState.PENDING, claimed_level__gt=0)
        .order_by("id")
        .values_list("indicator_code", flat=True)
    )
    if pending:
        raise ActionRefused(
            _("Periksa dulu semua indikator yang diklaim. Belum diperiksa: %(codes)s.")
            % {"codes": ", ".join(pending)}
        )
    _transition(access, submission, "submission.verify", State.VERIFIED, decided_at=timezone.now())
    notifications.decided(submission)
    return submission


@transaction.atomic
def reject(access: RegionAccess, submission: Submission, *, note: str) -> Submission:
    """Reject the whole innovation: it scores 0 and still counts in n (the ministry's rule)."""
    submission = _locked(submission)
    _review_open(access, submission)
    if not note.strip():
        raise ActionRefused(_("Tulis alasan penolakan inovasi ini."))
    _transition(
        access,
        submission,
        "submission.reject",
        State.REJECTED,
        note=note.strip(),
        decided_at=timezone.now(),
    )
    notifications.decided(submission, note.strip())
    return submission


@transaction.atomic
def reopen(access: RegionAccess, submission: Submission, *, reason: str) -> Submission:
    """The koordinator sends a decided report back to its OPD (e.g. the evidence was wrong)."""
    submission = _locked(submission)
    _require(access.can_manage)
    if submission.state not in {State.VERIFIED, State.REJECTED}:
        raise ActionRefused(_("Hanya laporan yang sudah diputuskan yang dapat dibuka kembali."))
    if not reason.strip():
        raise ActionRefused(_("Tulis alasan membuka kembali laporan ini."))
    _transition(
        access,
        submission,
        "submission.reopen",
        State.RETURNED,
        note=reason.strip(),
        decided_at=None,
    )
    notifications.returned(submission, reason.strip())
    return submission


# --- carry-over -----------------------------------------------------------------------------


@transaction.atomic
def carry_over(access: RegionAccess, previous: Submission, cycle, *, note: str) -> Submission:
    """Copy last year's report of the same innovation into a new cycle, with its evidence."""
    _require(may_edit(access, previous))
    if cycle.region_id != previous.cycle.region_id or cycle.pk == previous.cycle_id:
        raise PermissionDenied
    if not note.strip():
        raise ActionRefused(_("Tulis apa yang berubah atau berkembang sejak laporan tahun lalu."))
    if Submission.objects.filter(innovation=previous.innovation, cycle=cycle).exists():
        raise ActionRefused(_("Inovasi ini sudah punya laporan di siklus tersebut."))
    rules.check_entry_limit(cycle, previous.innovation)
    edition = cycle.edition.spec()
    known = {row.code for row in edition.sid_rows}
    submission = Submission.objects.create(
        innovation=previous.innovation,
        cycle=cycle,
        previous=previous,
        carry_over_note=note.strip(),
        created_by=access.user,
        **_profile(previous),
    )
    for old in previous.answers.prefetch_related("documents"):
        if old.indicator_code not in known:
            continue  # the indicator no longer exists in this edition
        answer = Answer.objects.create(
            submission=submission,
            indicator_code=old.indicator_code,
            claimed_level=old.claimed_level,
            link=old.link,
        )
        answer.documents.set(old.documents.all())
    record(
        "submission.carry_over",
        actor=access.user,
        obj=submission,
        region=access.region,
        after={"from": previous.pk, "note": note.strip()},
    )
    return submission


# --- SPD (region indicators) ----------------------------------------------------------------


@transaction.atomic
def save_spd_answer(
    access: RegionAccess,
    cycle,
    *,
    row_code: str,
    level: int | None,
    documents=(),
    link: str = "",
    expected_version: int | None,
) -> RegionAnswer:
    """The koordinator's claim for one SPD row."""
    _require(access.can_manage)
    rules.check_spd_row(cycle.edition.spec(), row_code, level)
    answer, created = RegionAnswer.objects.select_for_update().get_or_create(
        cycle=cycle, row_code=row_code
    )
    if not created and expected_version is not None and answer.version != expected_version:
        raise StaleEdit(
            _(
                "Jawaban SPD ini sudah diubah orang lain sejak Anda membukanya. Muat ulang halaman "
                "lalu isi kembali."
            )
        )
    before = {"level": answer.claimed_level}
    if answer.claimed_level != level:
        answer.claimed_level = level
        answer.review_state, answer.verified_level = ReviewState.PENDING, None
    answer.link, answer.answered_by = link, access.user
    answer.version = answer.version + (0 if created else 1)
    answer.save()
    answer.documents.set(documents)
    record(
        "spd.claim",
        actor=access.user,
        obj=cycle,
        region=access.region,
        before={row_code: before},
        after={row_code: {"level": level, "documents": [d.pk for d in documents]}},
    )
    return answer


@transaction.atomic
def review_spd_answer(
    access: RegionAccess, answer: RegionAnswer, *, decision: str, level=None, note=""
) -> RegionAnswer:
    """A second person reviews the koordinator's SPD claim (never the one who answered it)."""
    _require(access.is_reviewer)
    answer = RegionAnswer.objects.select_for_update().get(pk=answer.pk)
    if answer.answered_by_id == access.user.pk:
        raise ActionRefused(_("Jawaban SPD harus diperiksa orang lain, bukan yang mengisinya."))
    verified = decided_level(answer.claimed_level, decision, level, note.strip())
    answer.review_state, answer.verified_level, answer.review_note = (
        decision,
        verified,
        note.strip(),
    )
    answer.reviewed_by, answer.reviewed_at = access.user, timezone.now()
    answer.version += 1
    answer.save()
    record(
        "spd.review",
        actor=access.user,
        obj=answer.cycle,
        region=access.region,
        after={answer.row_code: {"state": decision, "verified": verified, "note": note.strip()}},
    )
    return answer
