from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.lead_list, name="lead-list"),
    path("new/", views.add_lead, name="add-lead"),
    path("targets/", views.target_list, name="targets"),
    path("<int:pk>/", views.lead_detail, name="lead-detail"),
    path("<int:pk>/edit/", views.edit_lead, name="edit-lead"),
    path("<int:pk>/move/", views.move_lead, name="move-lead"),
    path("<int:pk>/delete/", views.delete_lead, name="delete-lead"),
]
