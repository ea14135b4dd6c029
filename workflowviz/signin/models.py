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
