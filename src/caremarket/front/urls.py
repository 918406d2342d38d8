from django.urls import path

from caremarket.front import views

app_name = "front"
urlpatterns = [
    path("", views.home, name="home"),
    path("councils/", views.councils, name="councils"),
    path("councils/<slug:council>/", views.council, name="council"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookies/", views.cookies, name="cookies"),
]
