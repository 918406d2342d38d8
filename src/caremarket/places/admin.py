from django.contrib import admin

from caremarket.places.models import Area, LocalAuthority


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "region", "kind")
    search_fields = ("name", "code", "other_codes")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "code", "local_authority", "parent")
    list_filter = ("kind", "local_authority")
    search_fields = ("name", "code")
