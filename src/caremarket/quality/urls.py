"""The quality register: the council's quality team, and providers' own records."""

from django.urls import path

from caremarket.quality import views

app_name = "quality"
council = "staff/<slug:council>/quality"
urlpatterns = [
    path(f"{council}/", views.dashboard, name="dashboard"),
    path(f"{council}/locations/<int:pk>/", views.location, name="location"),
    path(f"{council}/locations/<int:pk>/stop/", views.start_stop, name="start_stop"),
    path(f"{council}/locations/<int:pk>/notice/", views.issue_notice, name="issue_notice"),
    path(f"{council}/locations/<int:pk>/exit/", views.record_exit, name="record_exit"),
    path(f"{council}/locations/<int:pk>/enquiry/", views.open_enquiry, name="open_enquiry"),
    path(f"{council}/enquiries/<int:pk>/", views.enquiry, name="enquiry"),
    path(f"{council}/locations/<int:pk>/audit/", views.start_audit, name="start_audit"),
    path(f"{council}/concerns/new/", views.log_concern, name="log_concern"),
    path(f"{council}/concerns/<int:pk>/", views.concern, name="concern"),
    path(f"{council}/stops/<int:pk>/", views.stop, name="stop"),
    path(f"{council}/notices/<int:pk>/", views.notice, name="notice"),
    path(f"{council}/audits/<int:pk>/", views.audit, name="audit"),
    path(f"{council}/audits/<int:pk>/evidence/", views.upload_evidence, name="upload_evidence"),
    path(f"{council}/evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path(f"{council}/evidence/<int:pk>/delete/", views.delete_evidence, name="delete_evidence"),
    path(f"{council}/evidence/<int:pk>/share/", views.share_evidence, name="share_evidence"),
    path(f"{council}/shared-audits/<int:pk>/", views.shared_audit, name="shared_audit"),
    path(f"{council}/exits/", views.exits, name="exits"),
    path(f"{council}/settings/", views.settings, name="settings"),
    path("quality/audits/<int:pk>/", views.public_audit, name="public_audit"),
    path("quality/provider/", views.provider_home, name="provider_home"),
    path("quality/provider/audits/<int:pk>/", views.provider_audit, name="provider_audit"),
    path("quality/provider/evidence/<int:pk>/", views.provider_evidence, name="provider_evidence"),
]
