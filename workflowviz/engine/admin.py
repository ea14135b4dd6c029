from django.contrib import admin

from .models import EventRecord, JoinState, OutboxMessage, Run, StepState


class StepStateInline(admin.TabularInline):
    model = StepState
    extra = 0
    can_delete = False
    fields = ["step_id", "service", "action", "status", "attempts", "queued_at", "started_at", "finished_at", "error"]
    readonly_fields = fields


class EventRecordInline(admin.TabularInline):
    model = EventRecord
    extra = 0
    can_delete = False
    fields = ["seq", "at", "service", "kind", "step_id", "message_type", "message_id", "payload"]
    readonly_fields = fields
    ordering = ["seq"]


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ["id", "design_slug", "design_version", "pattern", "status", "order_id", "created_at", "finished_at"]
    list_filter = ["status", "pattern", "design_slug"]
    search_fields = ["=id", "=order_id"]
    readonly_fields = [
        "id",
        "pattern",
        "design_slug",
        "design_version",
        "graph",
        "status",
        "order_id",
        "data",
        "next_seq",
        "created_at",
        "finished_at",
        "rerun_of",  # read-only: an editable one would list every run in a select
    ]
    inlines = [StepStateInline, EventRecordInline]
    date_hierarchy = "created_at"


@admin.register(EventRecord)
class EventRecordAdmin(admin.ModelAdmin):
    list_display = ["run", "seq", "at", "service", "kind", "step_id", "message_type"]
    list_filter = ["service", "kind"]
    search_fields = ["=run__id", "=message_id", "step_id", "message_type"]
    list_select_related = ["run"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "type",
        "source_service",
        "target_service",
        "step_id",
        "attempt",
        "created_at",
        "processed_at",
        "resends",
    ]
    list_filter = ["kind", "target_service", "type"]
    search_fields = ["=id", "=run__id", "step_id"]


@admin.register(JoinState)
class JoinStateAdmin(admin.ModelAdmin):
    list_display = ["run", "step_id", "service", "received"]
    search_fields = ["=run__id", "step_id"]
