from django.contrib import admin

from .models import Agency, Membership, PublishedIndex, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "province")
    list_filter = ("kind", "is_tertinggal", "is_perbatasan", "is_papua")
    search_fields = ("code", "name")
    raw_id_fields = ("province", "coordinator_agency")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "region", "is_active")
    search_fields = ("name", "short_name", "region__name")
    raw_id_fields = ("region",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "region", "agency", "is_active")
    list_filter = ("role", "is_active")
    raw_id_fields = ("user", "region", "agency")


@admin.register(PublishedIndex)
class PublishedIndexAdmin(admin.ModelAdmin):
    list_display = ("region", "year", "iid", "predicate", "is_synthetic")
    list_filter = ("year", "is_synthetic")
    raw_id_fields = ("region",)
