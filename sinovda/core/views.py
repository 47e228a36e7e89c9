from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render

from sinovda.accounts.forms import ResetPasswordForm
from sinovda.regions.access import public_view, user_memberships


@public_view
def home(request):
    """Signed-in people go to their region; everyone else sees what Sinovda is."""
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    memberships = user_memberships(request.user)
    if len(memberships) == 1 and not request.user.is_superuser:
        membership = memberships[0]
        if membership.is_province_role:
            return redirect("province_ranking", region_code=membership.region.code)
        return redirect("region_home", region_code=membership.region.code)
    return render(request, "core/choose_region.html", {"memberships": memberships})


# Django's own authentication views, marked as intentionally public (they guard themselves).
login = public_view(auth_views.LoginView.as_view(redirect_authenticated_user=True))
logout = public_view(auth_views.LogoutView.as_view())
password_reset = public_view(auth_views.PasswordResetView.as_view())
password_reset_done = public_view(auth_views.PasswordResetDoneView.as_view())
# The new password must differ from the current one; setting it clears a forced change and is audited.
password_reset_confirm = public_view(
    auth_views.PasswordResetConfirmView.as_view(form_class=ResetPasswordForm)
)
password_reset_complete = public_view(auth_views.PasswordResetCompleteView.as_view())
