from django.db import transaction

from sinovda.audit.models import record, snapshot

from .models import Cycle

CYCLE_FIELDS = ("edition", "opens_on", "submit_deadline", "review_deadline")


@transaction.atomic
def open_cycle(
    region, *, edition, opens_on, submit_deadline, review_deadline, acting_user
) -> Cycle:
    cycle = Cycle.objects.create(
        region=region,
        edition=edition,
        opens_on=opens_on,
        submit_deadline=submit_deadline,
        review_deadline=review_deadline,
        created_by=acting_user,
    )
    record(
        "cycle.open",
        actor=acting_user,
        obj=cycle,
        region=region,
        after=snapshot(cycle, CYCLE_FIELDS),
    )
    return cycle


@transaction.atomic
def change_cycle_dates(cycle: Cycle, *, reason: str, acting_user, **dates) -> Cycle:
    """Move the window or its deadlines (usually an extension); the reason is kept in the audit."""
    before = snapshot(cycle, CYCLE_FIELDS)
    for name, value in dates.items():
        setattr(cycle, name, value)
    cycle.save(update_fields=list(dates))
    after = {**snapshot(cycle, CYCLE_FIELDS), "reason": reason}
    record(
        "cycle.change_dates",
        actor=acting_user,
        obj=cycle,
        region=cycle.region,
        before=before,
        after=after,
    )
    return cycle
