"""Who may make and download which output (one place; views and tests use it)."""

from .models import OutputKind

# The koordinator's documents: the pack for the national application and the certificates.
MANAGE_KINDS = {OutputKind.HANDOFF, OutputKind.CERTIFICATES}
# Region-wide read-outs for the region's own readers (verifikator, koordinator, pimpinan).
READ_KINDS = {OutputKind.REPORT, OutputKind.REKAP}


def may_make(access, kind: str) -> bool:
    if kind in MANAGE_KINDS:
        return access.can_manage
    if kind in READ_KINDS:
        # Region-wide outputs list drafts and evidence; a province reads them only when shared.
        return access.can_read and access.sees_drafts
    return False


def may_get(access, job, submission_visible=False) -> bool:
    """A finished job's file: the same people who may make it, in the same region."""
    if job.region_id != access.region.pk:
        return False
    if job.submission_id:
        return submission_visible and access.sees_evidence
    return may_make(access, job.kind)
