"""Site admins set how long a council keeps its Client Level Data here."""

from django.contrib import admin

from caremarket.outcomes.models import OutcomesSettings


@admin.register(OutcomesSettings)
class OutcomesSettingsAdmin(admin.ModelAdmin):
    list_display = ("local_authority", "cld_retention_months")
