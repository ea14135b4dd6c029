from django.db import models


class SignIn(models.Model):
    """One attempt to sign in with a code: its run of the login-otp design (same id), as the user's side
    knows it. The code itself is known to Notifications only."""

    login_id = models.UUIDField(primary_key=True, help_text="The run of the login-otp design.")
    email = models.EmailField()
    pattern = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    code_entered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"sign-in of {self.email} ({self.login_id})"


class FailedSignIn(models.Model):
    """One failed password sign-in (the site's form, the admin's, or an unknown API token): what the
    login throttle counts, per username and per client address, over a sliding window."""

    username = models.CharField(max_length=150, blank=True, help_text="As typed, lower-cased; empty for a token.")
    address = models.GenericIPAddressField(help_text="The client's address (REMOTE_ADDR).")
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "failed sign-in"
        indexes = [
            models.Index(fields=["username", "at"], name="failed_signin_user_at"),
            models.Index(fields=["address", "at"], name="failed_signin_address_at"),
        ]

    def __str__(self):
        return f"failed sign-in of {self.username or 'a token'} from {self.address}"
