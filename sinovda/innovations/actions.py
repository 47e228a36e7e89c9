"""Every change to an innovation report is one of these functions.

Each is atomic, checks the acting person's role and the cycle's dates, writes an AuditEvent in the
same transaction, and notifies the people who must act next. Views only translate HTTP into calls.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinovda.audit.models import record
from sinovda.evidence.models import Document
from sinovda.methodology.spec import PROFILE_COLUMNS, URUSAN_COLUMNS
from sinovda.regions.access import RegionAccess

from . import duties, notifications, profile, rules, windows
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

# The report's own profile columns: the fields every edition has. Which fields an edition asks
# for, in which order and under which national labels, is the edition's data:
# `edition.profile_fields` (fields not in a column live in `Submission.profile_extra`).
PROFILE_FIELDS = (*PROFILE_COLUMNS, *URUSAN_COLUMNS)


class ActionRefused(Exception):
    """The action cannot happen now; the message (Indonesian) says why and what to do."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


class StaleEdit(ActionRefused):
    """Someone else saved the submission after this person opened it."""


# The one wording of a conflict; forms.VersionedForm and SpdAnswerForm show the same text.
STALE_MESSAGE = gettext_lazy(
    "Laporan ini sudah diubah orang lain sejak Anda membukanya. Perubahan Anda belum "
    "disimpan. Muat ulang halaman, periksa perubahan terbaru, lalu isi kembali."
)
# Shown by actions.reopen and forms.ReopenForm when a closed cycle's report is reopened undated.
REOPEN_NEEDS_DATE = gettext_lazy(
    "Jadwal siklus ini sudah lewat. Tentukan sampai tanggal berapa OPD dapat "
    "memperbaiki dan mengirim ulang laporan ini."
)
SPD_STALE_MESSAGE = gettext_lazy(
    "Jawaban SPD ini sudah diubah orang lain sejak Anda membukanya. Perubahan Anda belum "
    "disimpan. Muat ulang halaman, periksa perubahan terbaru, lalu isi kembali."
)


def _refuse_if(message: str | None) -> None:
    if message:
        raise ActionRefused(message)


def _columns(submission) -> dict:
    return {f: getattr(submission, f) for f in PROFILE_FIELDS}


def audited_profile(submission) -> dict:
    """Every profile value by field code (columns and profile_extra), for the audit trail."""
    return {**_columns(submission), **(submission.profile_extra or {})}


def may_edit(access: RegionAccess, submission: Submission) -> bool:
    if access.can_manage:
        return True
    agency = access.agency
    return agency is not None and agency.pk == submission.innovation.agency_id


def _require(condition: bool):
    if not condition:
        raise PermissionDenied


def _bump(submission: Submission, expected_version: int, **fields) -> None:
    """Save fields only if nobody saved since `expected_version` (optimistic locking).

    A missing version is treated as stale: a form that lost its version cannot prove it saw the
    latest data."""
    if expected_version is None:
        raise StaleEdit(str(STALE_MESSAGE))
    updated = Submission.objects.filter(pk=submission.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise StaleEdit(str(STALE_MESSAGE))
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
    _refuse_if(windows.create_refusal(cycle))
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
    """Save a draft's profile as typed (partial is fine); checks happen when it is submitted.

    `values` are keyed by the edition's field codes (and main_affair/other_affairs for the
    urusan); fields not in a column are merged into `profile_extra` (an empty value removes the
    key). Document fields take Documents of the report's region."""
    _require(may_edit(access, submission))
    if submission.state not in EDITABLE_STATES:
        raise ActionRefused(_("Laporan yang sudah dikirim tidak dapat diubah."))
    _refuse_if(windows.edit_refusal(submission))
    edition = submission.cycle.edition.spec()
    columns, extra = profile.split_values(edition, values)
    picked = {pk for value in extra.values() if _is_id_list(value) for pk in value}
    if picked and Document.objects.filter(pk__in=picked, region=access.region).count() != len(
        picked
    ):
        raise PermissionDenied
    if "name" in columns:
        rules.check_unique_name(submission.cycle, columns["name"], exclude=submission)
    before = audited_profile(submission)
    if extra:
        columns["profile_extra"] = profile.merged_extra(submission.profile_extra, extra)
    _bump(submission, expected_version, **columns)
    if "name" in columns and columns["name"] != submission.innovation.name:
        Innovation.objects.filter(pk=submission.innovation_id).update(name=columns["name"])
    after = audited_profile(submission)
    changed = [f for f in {**before, **after} if before.get(f) != after.get(f)]
    record(
        "submission.edit_profile",
        actor=access.user,
        obj=submission,
        region=access.region,
        before={f: before.get(f) for f in changed},
        after={f: after.get(f) for f in changed},
    )
    return submission


def _is_id_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, int) for v in value)


def judged(answer, documents=None) -> dict:
    """What a verifier judges in an answer. Any change to it sends the answer back for review."""
    if documents is None:
        documents = answer.documents.all() if answer.pk else []
    return {
        "level": answer.claimed_level,
        "documents": sorted(d.pk for d in documents),
        "link": answer.link,
        "reply": answer.reply,
    }


def _apply_claim(
    answer, *, level, link, documents, reply, by, by_field="claimed_by"
) -> tuple[dict, dict]:
    """Set what is claimed; when it differs from what was judged, the judgement no longer holds.

    Returns the judged fields before and after. The verifier's note stays, so the operator and the
    next reviewer can see what was said about the earlier claim."""
    before = judged(answer)
    answer.claimed_level, answer.link = level, link
    if reply is not None:
        answer.reply = reply
    after = judged(answer, documents)
    if before != after:
        answer.review_state, answer.verified_level = ReviewState.PENDING, None
        answer.reviewed_by = answer.reviewed_at = None
        setattr(answer, by_field, by)
    answer.save()
    answer.documents.set(documents)
    return before, after


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
    expected_version: int | None,
) -> Answer:
    """Set the claimed level of one indicator and its evidence. A changed claim needs review again."""
    _require(may_edit(access, submission))
    if submission.state not in EDITABLE_STATES:
        raise ActionRefused(_("Laporan yang sudah dikirim tidak dapat diubah."))
    _refuse_if(windows.edit_refusal(submission))
    edition = submission.cycle.edition.spec()
    rules.check_indicator(edition, indicator_code, level)
    documents = list(documents)
    for document in documents:
        if document.region_id != access.region.pk:
            raise PermissionDenied
    _bump(submission, expected_version)
    answer, _created = Answer.objects.get_or_create(
        submission=submission, indicator_code=indicator_code
    )
    before, after = _apply_claim(
        answer, level=level, link=link, documents=documents, reply=reply, by=access.user
    )
    record(
        "answer.claim",
        actor=access.user,
        obj=submission,
        region=access.region,
        before={indicator_code: before},
        after={indicator_code: {**after, "review_state": answer.review_state}},
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


def _transition(
    access, submission, action, to_state, *, note="", audit_extra=None, **fields
) -> Submission:
    before = submission.state
    _bump(submission, submission.version, state=to_state, **fields)
    record(
        action,
        actor=access.user,
        obj=submission,
        region=access.region,
        before={"state": before},
        after={"state": to_state, **({"note": note} if note else {}), **(audit_extra or {})},
    )
    return submission


@transaction.atomic
def submit(access: RegionAccess, submission: Submission) -> Submission:
    submission = _locked(submission)
    _require(may_edit(access, submission))
    if submission.state not in EDITABLE_STATES:
        raise ActionRefused(_("Laporan ini sudah dikirim."))
    _refuse_if(windows.send_refusal(submission))
    problems = rules.submission_problems(submission)
    if problems:
        raise ActionRefused(
            _("Laporan belum lengkap. Perbaiki hal berikut lalu kirim lagi."), problems
        )
    _transition(
        access,
        submission,
        "submission.submit",
        State.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=access.user,
    )
    notifications.submitted(submission)
    return submission


@transaction.atomic
def withdraw(access: RegionAccess, submission: Submission) -> Submission:
    submission = _locked(submission)
    _require(may_edit(access, submission))
    if submission.state not in {State.DRAFT, State.SUBMITTED}:
        raise ActionRefused(_("Hanya laporan draf atau yang menunggu verifikasi dapat ditarik."))
    _refuse_if(windows.withdraw_refusal(submission))
    return _transition(access, submission, "submission.withdraw", State.WITHDRAWN)


def _review_open(access, submission, *, answer=None):
    """The report waits for review, the window is open, and this person may judge it."""
    _require(access.is_reviewer)
    if submission.state != State.SUBMITTED:
        raise ActionRefused(_("Laporan ini tidak sedang menunggu verifikasi."))
    _refuse_if(windows.review_refusal(submission))
    if answer is not None:
        _refuse_if(duties.answer_refusal(access, submission, answer))
    else:
        _refuse_if(duties.sender_refusal(access, submission))


def _self_review_mark(access, submission, answer=None) -> dict:
    """Reviews that only the region's one-person setting allowed are marked in the audit row."""
    return {"self_review": True} if duties.is_self_review(access, submission, answer) else {}


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
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    _review_open(access, submission, answer=answer)
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
        after={
            answer.indicator_code: {"state": decision, "verified": verified, "note": note},
            **_self_review_mark(access, submission, answer),
        },
    )
    return answer


@transaction.atomic
def comment_field(access: RegionAccess, submission: Submission, *, field: str, note: str):
    submission = _locked(submission)
    _review_open(access, submission)
    codes = {f.code for f in profile.editable_fields(submission.cycle.edition.spec())}
    if field not in codes or not note.strip():
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
    _refuse_if(windows.edit_refusal(submission))
    if not reply.strip():
        raise ActionRefused(_("Tulis tanggapan Anda atas catatan verifikator."))
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
    _transition(
        access,
        submission,
        "submission.return",
        State.RETURNED,
        note=note.strip(),
        audit_extra=_self_review_mark(access, submission),
    )
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
    _transition(
        access,
        submission,
        "submission.verify",
        State.VERIFIED,
        decided_at=timezone.now(),
        audit_extra=_self_review_mark(access, submission),
    )
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
        audit_extra=_self_review_mark(access, submission),
    )
    notifications.decided(submission, note.strip())
    return submission


@transaction.atomic
def reopen(access: RegionAccess, submission: Submission, *, reason: str, until=None) -> Submission:
    """The koordinator sends a decided report back to its OPD (e.g. the evidence was wrong).

    Outside the cycle's review window the koordinator names the last day (`until`, inclusive) on
    which this one report may be corrected, resent and decided, so the OPD is not left with a
    report it cannot send."""
    submission = _locked(submission)
    _require(access.can_manage)
    if submission.state not in {State.VERIFIED, State.REJECTED}:
        raise ActionRefused(_("Hanya laporan yang sudah diputuskan yang dapat dibuka kembali."))
    if not reason.strip():
        raise ActionRefused(_("Tulis alasan membuka kembali laporan ini."))
    today = timezone.localdate()
    if until is not None and until < today:
        raise ActionRefused(_("Tanggal batas kirim ulang tidak boleh sebelum hari ini."))
    if until is None and not submission.cycle.accepts_reviews(today):
        raise ActionRefused(str(REOPEN_NEEDS_DATE))
    _transition(
        access,
        submission,
        "submission.reopen",
        State.RETURNED,
        note=reason.strip(),
        audit_extra={"reopened_until": until} if until else None,
        decided_at=None,
        reopened_until=until,
    )
    notifications.returned(submission, reason.strip())
    return submission


# --- carry-over -----------------------------------------------------------------------------


# A report can be carried into the next year only if it was sent (not a draft, not withdrawn).
CARRIABLE_STATES = {State.SUBMITTED, State.RETURNED, State.VERIFIED, State.REJECTED}


def _carried_level(source: Submission, answer: Answer) -> int | None:
    """A verified report carries what was proven: a claim the verifier lowered does not come back
    at its old level unnoticed (the operator may raise it again with new evidence)."""
    if source.state == State.VERIFIED and answer.review_state != ReviewState.PENDING:
        return answer.verified_level
    return answer.claimed_level


@transaction.atomic
def carry_over(access: RegionAccess, previous: Submission, cycle, *, note: str) -> Submission:
    """Copy last year's report of the same innovation into a new cycle, with its evidence.

    The profile follows the new edition's fields: columns are copied as they are (so a 2023
    `goal` becomes 2024's "Tujuan Jangka Pendek" and `result` its "Hasil Sesudah Implementasi",
    both stored in those columns), and so are the fields both editions keep in profile_extra
    with the same type, except yes/no answers, which are about this year ("is there a
    development?") and are asked again. A one-text rancang bangun stays in its column when the
    new edition wants it in parts: the profile form shows it for the operator to split
    (profile.legacy_design)."""
    _require(may_edit(access, previous))
    if cycle.region_id != previous.cycle.region_id or cycle.pk == previous.cycle_id:
        raise PermissionDenied
    if cycle.edition.year <= previous.cycle.edition.year:
        raise PermissionDenied
    if previous.state not in CARRIABLE_STATES:
        raise ActionRefused(
            _(
                "Hanya laporan yang sudah dikirim yang dapat dibawa ke tahun berikutnya. Draf "
                "atau laporan yang ditarik tidak dapat dibawa; buat laporan baru."
            )
        )
    if not note.strip():
        raise ActionRefused(_("Tulis apa yang berubah atau berkembang sejak laporan tahun lalu."))
    _refuse_if(windows.create_refusal(cycle))
    if Submission.objects.filter(innovation=previous.innovation, cycle=cycle).exists():
        raise ActionRefused(_("Inovasi ini sudah punya laporan di siklus tersebut."))
    rules.check_unique_name(cycle, previous.name)
    rules.check_entry_limit(cycle, previous.innovation)
    edition = cycle.edition.spec()
    known = {row.code for row in edition.sid_rows}
    submission = Submission.objects.create(
        innovation=previous.innovation,
        cycle=cycle,
        previous=previous,
        carry_over_note=note.strip(),
        created_by=access.user,
        profile_extra=profile.carried_extra(previous, edition),
        **_columns(previous),
    )
    for old in previous.answers.prefetch_related("documents"):
        if old.indicator_code not in known:
            continue  # the indicator no longer exists in this edition
        answer = Answer.objects.create(
            submission=submission,
            indicator_code=old.indicator_code,
            claimed_level=_carried_level(previous, old),
            link=old.link,
            claimed_by=access.user,
        )
        answer.documents.set(old.documents.all())
    record(
        "submission.carry_over",
        actor=access.user,
        obj=submission,
        region=access.region,
        after={"from": previous.pk, "from_state": previous.state, "note": note.strip()},
    )
    return submission


# --- SPD (region indicators) ----------------------------------------------------------------


def _spd_stale() -> StaleEdit:
    return StaleEdit(str(SPD_STALE_MESSAGE))


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
    """The koordinator's claim for one SPD row.

    `expected_version` is the version the person saw, 0 for a row nobody had answered yet; a
    missing version is refused like a conflict."""
    _require(access.can_manage)
    if cycle.region_id != access.region.pk:
        raise PermissionDenied
    _refuse_if(windows.spd_refusal(cycle))
    rules.check_spd_row(cycle.edition.spec(), row_code, level)
    documents = list(documents)
    for document in documents:
        if document.region_id != access.region.pk:
            raise PermissionDenied
    answer = RegionAnswer.objects.select_for_update().filter(cycle=cycle, row_code=row_code).first()
    current = answer.version if answer is not None else 0
    if expected_version is None or expected_version != current:
        raise _spd_stale()
    if answer is None:
        try:
            with transaction.atomic():
                answer = RegionAnswer.objects.create(cycle=cycle, row_code=row_code, version=0)
        except IntegrityError:  # someone answered the same row a moment ago
            raise _spd_stale() from None
    answer.version += 1
    before, after = _apply_claim(
        answer,
        level=level,
        link=link,
        documents=documents,
        reply=None,
        by=access.user,
        by_field="answered_by",
    )
    record(
        "spd.claim",
        actor=access.user,
        obj=cycle,
        region=access.region,
        before={row_code: before},
        after={row_code: {**after, "review_state": answer.review_state}},
    )
    return answer


@transaction.atomic
def review_spd_answer(
    access: RegionAccess, answer: RegionAnswer, *, decision: str, level=None, note=""
) -> RegionAnswer:
    """A second person reviews the koordinator's SPD claim (never the one who answered it)."""
    _require(access.is_reviewer)
    answer = (
        RegionAnswer.objects.select_for_update().select_related("cycle__edition").get(pk=answer.pk)
    )
    if answer.cycle.region_id != access.region.pk:
        raise PermissionDenied
    _refuse_if(windows.spd_refusal(answer.cycle))
    _refuse_if(duties.spd_refusal(access, answer))
    verified = decided_level(answer.claimed_level, decision, level, note.strip())
    before = {"state": answer.review_state, "verified": answer.verified_level}
    answer.review_state, answer.verified_level, answer.review_note = (
        decision,
        verified,
        note.strip(),
    )
    answer.reviewed_by, answer.reviewed_at = access.user, timezone.now()
    answer.version += 1
    answer.save()
    self_review = answer.answered_by_id == access.user.pk
    record(
        "spd.review",
        actor=access.user,
        obj=answer.cycle,
        region=access.region,
        before={answer.row_code: before},
        after={
            answer.row_code: {"state": decision, "verified": verified, "note": note.strip()},
            **({"self_review": True} if self_review else {}),
        },
    )
    return answer
