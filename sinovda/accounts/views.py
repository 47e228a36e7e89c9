from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sinovda.regions.access import login_view

from .forms import ChangePasswordForm


@login_view
def password_change(request):
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("Kata sandi Anda sudah diganti."))
        return redirect("home")
    return render(request, "registration/password_change_form.html", {"form": form})
