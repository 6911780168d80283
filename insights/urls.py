from django.urls import path

from insights import views

app_name = "insights"
urlpatterns = [
    path("", views.insights, name="insights"),
    path("goals/", views.edit_goals, name="edit-goals"),
]
