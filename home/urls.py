from django.urls import path

from home import views

app_name = "home"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact-detail"),
    path(
        "contacts/organizations/<int:pk>/", views.organization_detail,
        name="organization-detail",
    ),
    path("followups/new/", views.add_followup, name="add-followup"),
]
