"""Redo an answer's evidence checks when what they compare with changes.

The innovations app saves claims without knowing about the checks; these receivers notice a saved
answer, a changed list of its documents and a renamed report, and queue the (cheap) answer checks
after the transaction commits. A review decision also saves the answer, but changes nothing the
checks read, so `schedule_answer` then queues nothing.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_save

from . import tasks

DISPATCH = "sinovda.evidence.checks"


def answer_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        tasks.schedule_answer(instance.pk)


def answer_documents_changed(sender, instance, action, reverse=False, pk_set=None, **kwargs):
    if action not in ("post_add", "post_remove"):
        return
    if reverse:  # changed from the document's side: every answer named
        for answer_id in pk_set or ():
            tasks.schedule_answer(answer_id)
        return
    tasks.schedule_answer(instance.pk)
    # The other answers using these documents now have one user more or fewer (the reuse hint).
    others = (
        sender.objects.filter(document_id__in=pk_set or ())
        .exclude(answer_id=instance.pk)
        .order_by()
        .values_list("answer_id", flat=True)
        .distinct()
    )
    for answer_id in others:
        tasks.schedule_answer(answer_id, force=True)


def submission_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        tasks.schedule_submission(instance)


def connect():
    answer = apps.get_model("innovations", "Answer")
    post_save.connect(answer_saved, sender=answer, dispatch_uid=f"{DISPATCH}.answer")
    m2m_changed.connect(
        answer_documents_changed,
        sender=answer.documents.through,
        dispatch_uid=f"{DISPATCH}.answer_documents",
    )
    post_save.connect(
        submission_saved,
        sender=apps.get_model("innovations", "Submission"),
        dispatch_uid=f"{DISPATCH}.submission",
    )
