from django.contrib import admin

from imports.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["filename", "user", "format", "status", "total", "done", "created_at"]
    list_filter = ["status", "format"]
    search_fields = ["filename", "user__username"]
    raw_id_fields = ["user"]
    exclude = ["rows", "filled"]
    readonly_fields = ["status", "total", "done", "counts", "created_ids", "error"]
