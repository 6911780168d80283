from django.urls import path

from referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.network, name="network"),
    path("graph/", views.graph, name="graph"),
    path("<int:contact_id>/children/", views.children, name="children"),
]
