from django.contrib import admin

from .models import FailedSignIn


@admin.register(FailedSignIn)
class FailedSignInAdmin(admin.ModelAdmin):
    """What the login throttle counts; deleting an account's or an address's rows lifts its lock at once."""

    list_display = ["at", "username", "address"]
    search_fields = ["username", "address"]
    date_hierarchy = "at"
    readonly_fields = ["username", "address", "at"]

    def has_add_permission(self, request):
        return False
