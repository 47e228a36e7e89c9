from django.conf import settings
from django.db import models


class Notification(models.Model):
    """An in-app message ("Laporan Anda dikembalikan"), also sent by email when the person has one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table was created by the innovations app; the model moved here without moving data.
        db_table = "innovations_notification"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="innovations_user_id_9a61a6_idx")]

    def __str__(self):
        return self.message
