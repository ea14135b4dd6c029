import secrets

from django.utils import timezone

from .models import ApiToken, token_digest


def token_issue(*, user) -> str:
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=token_digest(raw), prefix=raw[:8])
    return raw


def token_user(raw: str):
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(raw)).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
