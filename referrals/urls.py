from django.urls import path

from referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.network, name="network"),
    path("graph/", views.graph, name="graph"),
    path("<int:contact_id>/children/", views.children, name="children"),
    path("add/<int:contact_id>/", views.add_referral, name="add-referral"),
    path("<int:pk>/edit/", views.edit_referral, name="edit-referral"),
    path("<int:pk>/delete/", views.delete_referral, name="delete-referral"),
]
