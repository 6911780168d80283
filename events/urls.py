from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("new/", views.add_event, name="add-event"),
    path("<int:pk>/", views.event_detail, name="event-detail"),
    path("<int:pk>/edit/", views.edit_event, name="edit-event"),
    path("<int:pk>/went/", views.went_again, name="went-again"),
    path("<int:pk>/people/", views.add_people, name="add-people"),
    path("<int:pk>/delete/", views.delete_event, name="delete-event"),
]
