from django.urls import path

from contacts import views

app_name = "contacts"
urlpatterns = [
    path("", views.contact_list, name="contact-list"),
    path("new/", views.contact_create, name="create-contact"),
    path("search/", views.contact_search, name="contact-search"),
    path("<int:pk>/edit/", views.contact_edit, name="edit-contact"),
    path("<int:pk>/delete/", views.contact_delete, name="delete-contact"),
    path("<int:pk>/notes/", views.log_note, name="log-note"),
    path("<int:pk>/keep-in-touch/", views.set_keep_in_touch, name="set-keep-in-touch"),
    path("keep-in-touch/", views.bulk_keep_in_touch, name="bulk-keep-in-touch"),
    path("organizations/", views.organization_list, name="organization-list"),
    path("organizations/new/", views.organization_create, name="create-organization"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="edit-organization"),
    path("organizations/<int:pk>/target/", views.set_target, name="set-target"),
    path("organizations/<int:pk>/delete/", views.organization_delete, name="delete-organization"),
]
