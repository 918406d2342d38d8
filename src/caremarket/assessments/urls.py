from django.urls import path, register_converter

from caremarket.assessments import referrals, staff_views, views


class JourneyConverter:
    regex = "needs|carer|finance"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(JourneyConverter, "journey")

app_name = "assessments"
urlpatterns = [
    path("help/", views.index, name="index"),
    path("help/return/", views.return_to, name="return"),
    path("help/return/<str:token>/", views.return_link_view, name="return_link"),
    path("help/delete/", views.delete_request, name="delete"),
    path("help/privacy/<slug:form_key>/", views.privacy_notice, name="privacy"),
    path("help/ask/", referrals.ask, name="ask"),
    path("help/professional/", referrals.professional, name="professional"),
    path("help/sent/", referrals.sent, name="sent"),
    path("help/<journey:journey>/", views.start, name="start"),
    path("help/<journey:journey>/q/<slug:step>/", views.question, name="question"),
    path("help/<journey:journey>/urgent/", views.urgent, name="urgent"),
    path("help/<journey:journey>/check/", views.check, name="check"),
    path("help/<journey:journey>/result/", views.result, name="result"),
    path("help/<journey:journey>/saved/", views.saved, name="saved"),
    path("help/<journey:journey>/delete/", views.forget, name="forget"),
    path("help/<journey:journey>/refer/", referrals.refer, name="refer"),
    path("staff/<slug:council>/referrals/", staff_views.inbox, name="inbox"),
    path("staff/<slug:council>/referrals/<str:reference>/", staff_views.referral, name="referral"),
    path(
        "staff/<slug:council>/charging-figures/",
        staff_views.charging_figures,
        name="charging_figures",
    ),
    path("staff/<slug:council>/front-door/", staff_views.front_door_settings, name="settings"),
]
