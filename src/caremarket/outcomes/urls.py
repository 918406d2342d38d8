"""ASCOF and activity from the council's Client Level Data, for the council's analysts."""

from django.urls import path

from caremarket.outcomes import feedback_views, views

app_name = "outcomes"
council = "staff/<slug:council>/outcomes"
urlpatterns = [
    path(f"{council}/ascof/", views.ascof_page, name="ascof"),
    path(f"{council}/ascof/<str:measure>/<int:index>/", views.ascof_people, name="ascof_people"),
    path(f"{council}/activity/", views.activity_page, name="activity"),
    path(f"{council}/activity/<slug:table>.csv", views.activity_csv, name="activity_csv"),
    path(f"{council}/targets/", views.targets, name="targets"),
    path(f"{council}/targets/<int:pk>/remove/", views.delete_target, name="delete_target"),
    path(f"{council}/safeguarding/", feedback_views.safeguarding, name="safeguarding"),
    path(f"{council}/complaints/", feedback_views.complaints, name="complaints"),
    path(f"{council}/complaints/record/", feedback_views.record_feedback, name="record_feedback"),
    path(f"{council}/complaints/<int:pk>/", feedback_views.record_feedback, name="change_feedback"),
    path(
        f"{council}/complaints/<int:pk>/remove/",
        feedback_views.remove_feedback,
        name="remove_feedback",
    ),
    path(
        f"{council}/complaints/deadline/",
        feedback_views.complaint_deadline,
        name="complaint_deadline",
    ),
]
