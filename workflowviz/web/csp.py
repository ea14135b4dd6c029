"""A strict Content-Security-Policy on every response (pages, admin, django-rq, API): scripts only from
our own origin, no inline script and no eval.

The one inline script of our pages, the import map (browsers take import maps inline only), carries a
nonce made per response (`request.csp_nonce`, read by `{% module_importmap %}`). django-rq's job lists
have a small inline script (and some pages an inline stylesheet) that we cannot move into a file;
their hashes are allowed on django-rq's pages only, computed from the installed templates so that an
upgrade cannot silently break them. Cytoscape's one injected stylesheet is replaced by a file (base.html).
"""

import base64
import hashlib
import re
import secrets
from functools import cache
from pathlib import Path

from django.core.exceptions import DisallowedHost

INLINE = {
    "script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE),
    "style": re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE),
}


@cache
def django_rq_hashes(tag: str) -> tuple[str, ...]:
    """'sha256-…' of each inline <script> or <style> in django-rq's templates that has no template code."""
    import django_rq

    bodies = set()
    for template in sorted((Path(django_rq.__file__).parent / "templates").rglob("*.html")):
        for body in INLINE[tag].findall(template.read_text(encoding="utf-8")):
            if "{%" not in body and "{{" not in body:
                bodies.add(body)
    digests = (base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() for body in bodies)
    return tuple(sorted(f"'sha256-{digest}'" for digest in digests))


def _websocket_sources(request) -> str:
    # CSP3 lets 'self' cover ws:/wss: on our host, but not every browser does yet: name them.
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    return f" ws://{host} wss://{host}"


def content_security_policy(request, nonce: str) -> str:
    scripts, styles = [f"'nonce-{nonce}'"], []
    match = getattr(request, "resolver_match", None)
    if match is not None and "django_rq" in match.app_names:
        scripts.extend(django_rq_hashes("script"))
        styles.extend(django_rq_hashes("style"))
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {' '.join(scripts)}",
            " ".join(["style-src 'self'", *styles]),
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src 'self'{_websocket_sources(request)}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(request, request.csp_nonce)
        return response
