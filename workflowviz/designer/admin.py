from django.contrib import admin

from .models import Design, DesignVersion


class DesignVersionInline(admin.TabularInline):
    model = DesignVersion
    extra = 0
    can_delete = False
    fields = ["number", "origin", "created_at", "created_by", "used", "first_used_at"]
    readonly_fields = fields
    ordering = ["-number"]


@admin.register(Design)
class DesignAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "builtin", "updated_at"]
    search_fields = ["slug", "name"]
    list_filter = ["builtin"]
    inlines = [DesignVersionInline]


@admin.register(DesignVersion)
class DesignVersionAdmin(admin.ModelAdmin):
    list_display = ["design", "number", "origin", "used", "created_at", "created_by"]
    list_filter = ["used", "origin", "design"]
    search_fields = ["design__slug"]
    list_select_related = ["design", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        # A version a run used is history: nothing about it may change.
        if obj is not None and obj.used:
            return [field.name for field in self.model._meta.fields]
        return ["used", "first_used_at", "created_at"]
