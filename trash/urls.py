from django.urls import path

from trash import views

app_name = "trash"
urlpatterns = [
    path("", views.trash_list, name="list"),
    path("<int:pk>/restore/", views.restore_entry, name="restore"),
]
