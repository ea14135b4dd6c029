from django.contrib import admin

from .models import QueueSample


@admin.register(QueueSample)
class QueueSampleAdmin(admin.ModelAdmin):
    list_display = ["at", "service", "queued", "in_flight", "failed", "scheduled", "workers"]
    list_filter = ["service"]
    search_fields = ["service"]
    readonly_fields = [field.name for field in QueueSample._meta.fields]

    def has_add_permission(self, request):
        return False  # samples are taken by the reconciler, not typed in
