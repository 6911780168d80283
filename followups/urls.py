from django.urls import path

from followups import views

app_name = "followups"
urlpatterns = [
    path("followups/<int:pk>/", views.followup_detail, name="followup-detail"),
    path("followups/<int:pk>/draft/", views.followup_draft, name="followup-draft"),
    path("followups/<int:pk>/done/", views.mark_done, name="mark-done"),
    path("followups/<int:pk>/snooze/", views.snooze, name="snooze"),
    path("followups/<int:pk>/skip/", views.skip, name="skip"),
    path("followups/<int:pk>/edit/", views.edit_followup, name="edit-followup"),
    path("followups/<int:pk>/delete/", views.delete_followup, name="delete-followup"),
    path("followups/undo/", views.undo_action, name="undo"),
    path("followups/problems/", views.problem_list, name="problem-list"),
]
