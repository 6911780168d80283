from django.urls import path

from api import views

app_name = "tokens"
urlpatterns = [
    path("", views.token_list, name="token-list"),
    path("<int:pk>/revoke/", views.revoke_token, name="revoke-token"),
]
