from django.urls import path

from portability import views

app_name = "portability"
urlpatterns = [
    path("data/", views.data_page, name="data"),
    path("data/contacts.csv", views.export_csv, name="export-csv"),
    path("data/contacts.vcf", views.export_vcard, name="export-vcard"),
    path("data/backup.json", views.export_backup, name="export-backup"),
    path("data/restore/", views.restore, name="restore"),
    path("data/restore/<int:pk>/", views.restore_detail, name="restore-detail"),
    path("data/calendar/", views.issue_calendar_feed, name="issue-calendar-feed"),
    path("data/calendar/revoke/", views.revoke_calendar_feed, name="revoke-calendar-feed"),
    path("data/leave/", views.leave, name="leave"),
    path("data/goodbye/", views.goodbye, name="goodbye"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]
