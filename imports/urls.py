from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="import-list"),
    path("new/", views.upload, name="upload"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/progress/", views.batch_progress, name="batch-progress"),
    path("<int:pk>/confirm/", views.confirm_batch, name="confirm"),
    path("<int:pk>/discard/", views.discard_batch, name="discard"),
    path("<int:pk>/undo/", views.undo_batch, name="undo"),
]
