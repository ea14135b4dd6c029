"""Sign-in code emails recorded before this change held the code in their subject and body: drop it."""

from django.db import migrations

NOT_KEPT = "The code itself is not kept here: it is in the email that was sent."


def codes_forget(apps, schema_editor):
    Email = apps.get_model("notifications", "Email")
    Email.objects.filter(kind="login_code").update(
        subject="Your sign-in code", body=f"A 6-digit sign-in code, valid for 5 minutes. {NOT_KEPT}"
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_backorder_email")]

    operations = [migrations.RunPython(codes_forget, migrations.RunPython.noop)]
