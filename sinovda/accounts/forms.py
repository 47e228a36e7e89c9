from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from . import actions


class _NewPasswordMustDiffer:
    """A new password equal to the current one (a temporary password, or a known one) is no change."""

    def clean_new_password1(self):
        password = self.cleaned_data["new_password1"]
        if password and self.user.check_password(password):
            raise forms.ValidationError(
                _("Kata sandi baru harus berbeda dari kata sandi lama atau sementara."),
                code="password_unchanged",
            )
        return password


class ChangePasswordForm(_NewPasswordMustDiffer, PasswordChangeForm):
    """The signed-in person's own change, also the forced one after a temporary password."""

    def save(self, commit=True):
        return actions.change_own_password(self.user, password=self.cleaned_data["new_password1"])


class ResetPasswordForm(_NewPasswordMustDiffer, SetPasswordForm):
    """The new password chosen from an e-mailed reset link (Django's PasswordResetConfirmView)."""

    def save(self, commit=True):
        return actions.reset_own_password(self.user, password=self.cleaned_data["new_password1"])
