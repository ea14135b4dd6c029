"""The admin for declared services: each service, its actions, and its own records table, page by page."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .models import DeclaredAction, DeclaredService
from .tables import records_table_ensure

RECORDS_PER_PAGE = 50


class DeclaredActionInline(admin.TabularInline):
    model = DeclaredAction
    extra = 0
    fields = ["name", "definition", "updated_at"]
    readonly_fields = ["updated_at"]


@admin.register(DeclaredService)
class DeclaredServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "label", "colour", "records_link", "created_by", "updated_at", "deleted_at"]
    list_filter = ["deleted_at"]
    search_fields = ["name", "label"]
    readonly_fields = ["records_link", "created_at", "updated_at"]
    inlines = [DeclaredActionInline]

    @admin.display(description="records")
    def records_link(self, service):
        url = reverse("admin:modelled_declaredservice_records", args=[service.pk])
        return format_html('<a href="{}">{}\'s own records</a>', url, service.label)

    def get_urls(self):
        records = self.admin_site.admin_view(self.records_view)
        return [path("<int:pk>/records/", records, name="modelled_declaredservice_records"), *super().get_urls()]

    def records_view(self, request, pk):
        """The service's records table: one row per effect of one of its actions (search by run id or outcome)."""
        service = get_object_or_404(DeclaredService, pk=pk)
        model = records_table_ensure(service.name)
        rows = model.objects.order_by("-id")
        query = request.GET.get("q", "").strip()[:100]
        if query:
            rows = rows.filter(run_id__startswith=query) | rows.filter(outcome=query) | rows.filter(action=query)
        page = Paginator(rows, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{service.label}: its records",
            "service": service,
            "table": model._meta.db_table,
            "page": page,
            "query": query,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/modelled/records.html", context)
