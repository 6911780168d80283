from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("new/", views.log_meeting, name="log-meeting"),
    path("<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/edit/", views.edit_meeting, name="edit-meeting"),
    path("<int:pk>/delete/", views.delete_meeting, name="delete-meeting"),
    path("participants/<int:pk>/", views.participant_chip, name="participant-chip"),
    path("referral-row/", views.referral_row, name="referral-row"),
    path("questions/", views.question_list, name="question-list"),
    path("questions/new/", views.add_question, name="add-question"),
    path("questions/restore/", views.restore_questions, name="restore-questions"),
    path("questions/<int:pk>/edit/", views.edit_question, name="edit-question"),
    path("questions/<int:pk>/delete/", views.delete_question, name="delete-question"),
]
