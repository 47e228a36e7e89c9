"""A person's own notification settings (atomic, audited like every change)."""

from django.db import transaction

from sinovda.audit.models import record

from .models import Delivery, DeliveryPreference


def delivery_of(user) -> str:
    """How this person wants e-mail (instant when they never chose)."""
    chosen = DeliveryPreference.objects.filter(user=user).values_list("email", flat=True).first()
    return chosen or Delivery.INSTANT


@transaction.atomic
def set_delivery(acting_user, choice: str) -> bool:
    """Save the person's choice; False when it was already their choice (nothing recorded)."""
    if choice not in Delivery.values:
        raise ValueError(choice)
    preference, created = DeliveryPreference.objects.select_for_update().get_or_create(
        user=acting_user, defaults={"email": choice}
    )
    before = Delivery.INSTANT if created else preference.email
    if not created and before != choice:
        preference.email = choice
        preference.save(update_fields=["email", "updated_at"])
    if before == choice:
        return False
    # The account is the object, so the change shows in the region's audit list with the
    # person's other account events.
    record(
        "notifications.delivery",
        actor=acting_user,
        obj=acting_user,
        before={"email": before},
        after={"email": choice},
    )
    return True
