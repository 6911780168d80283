from django.contrib import admin
from django.urls import include, path

from api.api import api
from netcrm.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("home.urls")),
    path("", include("followups.urls")),
    path("accounts/settings/tokens/", include("api.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("contacts/", include("contacts.urls")),
    path("contacts/", include("merging.urls")),
    path("meetings/", include("meetings.urls")),
    path("referrals/", include("referrals.urls")),
    path("requests/", include("reciprocity.urls")),
    path("trash/", include("trash.urls")),
    path("insights/", include("insights.urls")),
    path("leads/", include("jobs.urls")),
    path("events/", include("events.urls")),
    path("outreach/", include("outreach.urls")),
    path("imports/", include("imports.urls")),
    path("", include("portability.urls")),
    path("search/", include("search.urls")),
    path("api/", api.urls),
    path("", include("offline.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "netcrm.views.not_found"
