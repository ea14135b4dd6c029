"""The password forms of the site's /login/ and of the admin, with the login throttle in front."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from .throttle import client_address, sign_in_failed, sign_in_refusal, sign_in_succeeded


class ThrottledLogin:
    """Refuse with the reason while the account or the address is throttled; count each wrong password."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        refusal = sign_in_refusal(username=username, address=address)
        if refusal:
            raise forms.ValidationError(refusal.reason, code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            if any(e.code == "invalid_login" for e in error.error_list):
                sign_in_failed(username=username, address=address)
            raise
        sign_in_succeeded(username=username)
        return cleaned


class ThrottledAuthenticationForm(ThrottledLogin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLogin, AdminAuthenticationForm):
    pass
