from django.urls import path

from reciprocity import views

app_name = "reciprocity"
urlpatterns = [
    path("", views.request_list, name="request-list"),
    path("new/", views.log_request, name="log-request"),
    path("<int:pk>/", views.request_detail, name="request-detail"),
    path("<int:pk>/answer/", views.answer_request, name="answer-request"),
    path("<int:pk>/delete/", views.delete_request, name="delete-request"),
]
