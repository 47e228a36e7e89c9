from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class SinovdaUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Sinovda", {"fields": ("full_name", "must_change_password")}),
    )
    list_display = ("username", "full_name", "email", "is_active", "is_superuser")
