from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("new/", views.log_meeting, name="log-meeting"),
    path("<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/edit/", views.edit_meeting, name="edit-meeting"),
    path("participants/", views.participant_search, name="participant-search"),
    path("participants/<int:pk>/", views.participant_chip, name="participant-chip"),
    path("referral-row/", views.referral_row, name="referral-row"),
]
