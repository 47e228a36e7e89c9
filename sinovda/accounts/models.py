from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships, not from this row."""

    full_name = models.CharField(_("Nama lengkap"), max_length=150, blank=True)
    # Set when someone else chose the password (a koordinator creating or resetting an account): the
    # person must pick their own before doing anything else.
    must_change_password = models.BooleanField(default=False)

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username
