from django.urls import path

from merging import views

app_name = "merging"
urlpatterns = [
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path("duplicates/dismiss/", views.dismiss_pair, name="dismiss-pair"),
    path("<int:pk>/merge/", views.merge_contact, name="merge-contact"),
]
