"""Keeping the directory true: providers propose changes, council officers approve them, the
public reports what is wrong (views in `editorial_views`)."""

from django.urls import path

from caremarket.directory import editorial_views as views

app_name = "listings"
urlpatterns = [
    # Providers and community organisations
    path("directory/manage/", views.manage, name="manage"),
    path("directory/manage/new/", views.manage_new, name="manage_new"),
    path("directory/manage/services/<uuid:pk>/", views.manage_edit, name="manage_edit"),
    path("directory/manage/changes/<int:pk>/", views.manage_change, name="manage_change"),
    # The council's directory staff
    path("staff/<slug:council>/directory/", views.staff_queue, name="staff_queue"),
    path(
        "staff/<slug:council>/directory/changes/<int:pk>/",
        views.staff_change,
        name="staff_change",
    ),
    path("staff/<slug:council>/directory/reviews/", views.staff_reviews, name="staff_reviews"),
    path("staff/<slug:council>/directory/reports/", views.staff_reports, name="staff_reports"),
    path(
        "staff/<slug:council>/directory/reports/<int:pk>/",
        views.staff_report,
        name="staff_report",
    ),
    # The public
    path("directory/services/<uuid:pk>/report/", views.report, name="report"),
    path("directory/services/<uuid:pk>/report/sent/", views.report_sent, name="report_sent"),
]
