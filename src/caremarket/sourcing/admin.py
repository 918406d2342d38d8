"""The contract register for site admins. Commissioners keep it on its own staff pages
(`caremarket.sourcing.register`): contracts, rates, lots, uplifts and holdings."""

from django.contrib import admin

from caremarket.sourcing.models import Contract, Holding


class HoldingInline(admin.TabularInline):
    model = Holding
    extra = 1
    raw_id_fields = ("location",)
    filter_horizontal = ("areas",)


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("name", "local_authority", "kind", "service_kind", "starts_on", "ends_on")
    list_filter = ("local_authority", "kind", "service_kind")
    inlines = [HoldingInline]
