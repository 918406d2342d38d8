"""Sourcing care: brokers' pages and providers' pages."""

from django.urls import path

from caremarket.sourcing import homes, nominations, register, views

app_name = "sourcing"
council = "staff/<slug:council>/sourcing"
urlpatterns = [
    path(f"{council}/", views.requests, name="requests"),
    path(f"{council}/new/", views.new_request, name="new_request"),
    path(f"{council}/requests/<int:pk>/", views.care_request, name="request"),
    path(f"{council}/requests/<int:pk>/accept/", views.accept, name="accept"),
    path(f"{council}/requests/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path(f"{council}/time-to-source/", views.report, name="report"),
    path(f"{council}/contracts/", views.contracts, name="contracts"),
    path(f"{council}/contracts/new/", register.contract_edit, name="contract_new"),
    path(f"{council}/contracts/<int:pk>/", register.contract_page, name="contract"),
    path(f"{council}/contracts/<int:pk>/edit/", register.contract_edit, name="contract_edit"),
    path(f"{council}/contracts/<int:pk>/lots/new/", register.lot_edit, name="lot_new"),
    path(f"{council}/contracts/<int:pk>/lots/<int:lot>/", register.lot_edit, name="lot_edit"),
    path(f"{council}/contracts/<int:pk>/uplifts/new/", register.uplift_edit, name="uplift_new"),
    path(
        f"{council}/contracts/<int:pk>/uplifts/<int:uplift>/",
        register.uplift_edit,
        name="uplift_edit",
    ),
    path(f"{council}/contracts/<int:pk>/holdings/new/", register.holding_edit, name="holding_new"),
    path(
        f"{council}/contracts/<int:pk>/holdings/<int:holding>/",
        register.holding_edit,
        name="holding_edit",
    ),
    path(f"{council}/packages/", views.package_list, name="packages"),
    path(f"{council}/packages/<int:pk>/", views.package, name="package"),
    path("sourcing/provider/", views.provider_requests, name="provider_requests"),
    path("sourcing/provider/emails/", views.provider_emails, name="provider_emails"),
    path("sourcing/provider/requests/<int:pk>/", views.provider_request, name="provider_request"),
]
urlpatterns += [
    path(f"{council}/new-placement/", homes.new_placement, name="new_placement"),
    path(f"{council}/vacancies/", homes.council_vacancies, name="vacancies"),
    path(f"{council}/placements/", homes.placements, name="placements"),
    path(f"{council}/requests/<int:pk>/end-placement/", homes.end, name="end_placement"),
    path(f"{council}/requests/<int:pk>/change-placement/", homes.change, name="change_placement"),
    path("sourcing/provider/vacancies/", homes.provider_vacancies, name="provider_vacancies"),
    path("sourcing/provider/vacancies/<int:pk>/", homes.provider_vacancy, name="provider_vacancy"),
]
urlpatterns += [
    path(f"{council}/extra-care/", nominations.overview, name="extra_care"),
    path(f"{council}/extra-care/new/", nominations.new_referral, name="new_referral"),
    path(f"{council}/extra-care/referrals/<int:pk>/", nominations.referral, name="referral"),
    path(f"{council}/extra-care/schemes/<int:pk>/", nominations.scheme_terms, name="scheme_terms"),
    path(f"{council}/extra-care/table/", nominations.table, name="extra_care_table"),
    path(f"{council}/extra-care/table.csv", nominations.table_csv, name="extra_care_csv"),
]
