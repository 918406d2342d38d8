from django.urls import path

from caremarket.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.login, name="login"),
    path("sign-out/", views.logout, name="logout"),
    path("staff/", views.dashboard, name="dashboard"),
    path("staff/<slug:council>/audit/", views.audit_log, name="audit_log"),
]
