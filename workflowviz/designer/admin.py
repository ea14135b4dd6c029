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
    list_display = ["slug", "name", "owner_shown", "updated_at"]
    search_fields = ["slug", "name", "owner__username"]
    list_filter = ["builtin"]
    list_select_related = ["owner"]
    readonly_fields = ["builtin"]
    raw_id_fields = ["owner"]
    inlines = [DesignVersionInline]

    @admin.display(description="owner", ordering="owner__username")
    def owner_shown(self, design):
        return "built-in" if design.builtin else (design.owner or "—")


@admin.register(DesignVersion)
class DesignVersionAdmin(admin.ModelAdmin):
    list_display = ["design", "number", "origin", "used", "created_at", "created_by"]
    list_filter = ["used", "origin", "design"]
    search_fields = ["design__slug"]
    list_select_related = ["design", "created_by"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A new version of a built-in is for a superuser only (as through the API).
        if db_field.name == "design" and not request.user.is_superuser:
            kwargs["queryset"] = Design.objects.filter(builtin=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # A version a run used is history: nothing about it may change.
        # A built-in's version is what every default order runs: only a superuser may touch it.
        if obj is not None and (obj.used or (obj.design.builtin and not request.user.is_superuser)):
            return [field.name for field in self.model._meta.fields]
        return ["used", "first_used_at", "created_at"]
