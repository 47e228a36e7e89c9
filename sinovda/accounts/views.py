from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sinovda.audit.models import record
from sinovda.regions.access import login_view


@login_view
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
            record("auth.password_change", actor=user, obj=user)
        update_session_auth_hash(request, user)
        messages.success(request, _("Kata sandi Anda sudah diganti."))
        return redirect("home")
    return render(request, "registration/password_change_form.html", {"form": form})
