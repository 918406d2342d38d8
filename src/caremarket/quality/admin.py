"""Site admins set a council's concern clocks, retention and audit standards here."""

from django.contrib import admin

from caremarket.quality.models import Domain, QualitySettings, Standard


@admin.register(QualitySettings)
class QualitySettingsAdmin(admin.ModelAdmin):
    list_display = ("local_authority", "high_risk_hours", "other_hours", "concern_retention_days")


class StandardInline(admin.TabularInline):
    model = Standard
    extra = 1


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ("name", "local_authority", "weight", "position")
    list_filter = ("local_authority",)
    inlines = [StandardInline]
