from django.contrib import admin

from caremarket.places.models import Area, LocalAuthority


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "region")
    prepopulated_fields = {"slug": ("name",)}


admin.site.register(Area)
