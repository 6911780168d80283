from django.urls import path

from outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.outreach_list, name="outreach-list"),
    path("new/", views.add_outreach, name="add-outreach"),
    path("<int:pk>/", views.outreach_detail, name="outreach-detail"),
    path("<int:pk>/edit/", views.edit_outreach, name="edit-outreach"),
    path("<int:pk>/answer/", views.answer_outreach, name="answer-outreach"),
    path("<int:pk>/plan/", views.plan_meeting, name="plan-meeting"),
    path("<int:pk>/delete/", views.delete_outreach, name="delete-outreach"),
]
