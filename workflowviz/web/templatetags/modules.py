"""Our ES modules (static/js/) on a page: one import map, preloads computed from imports, the entry.

    {% load modules %}
    {% module_importmap %}               in base.html's <head>: before any module script, once a page
    {% module_script "js/run_page.js" %}  where the page's entry module runs (after its classic scripts)

The modules import each other by relative paths ("./dom.js"). In production the static files have
hashed names (ManifestStaticFilesStorage), so the import map sends each plain URL to its hashed one,
and the preloads are the entry's imports read from the files: nobody keeps a list by hand.
"""

import functools
import json
import posixpath
import re
from pathlib import Path

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

MODULE_DIR = "js"
# A static `import … from "./x.js"`, `import "./x.js"` or `export … from "./x.js"`, across lines.
IMPORT = re.compile(r"""^\s*(?:import|export)\s+(?:[^;"'`]*?\s+from\s+)?["'](\.\.?/[^"']+)["']""", re.MULTILINE)
# Inside <script>, "</script>" or "<!--" in the JSON would end or confuse the element.
JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def static_root() -> Path:
    return Path(settings.BASE_DIR) / "static"


def modules_read() -> dict[str, tuple[str, ...]]:
    """Every module under static/js/, as a static path ("js/dom.js"), → the modules it imports."""
    root = static_root()
    graph = {}
    for file in sorted((root / MODULE_DIR).rglob("*.js")):
        path = file.relative_to(root).as_posix()
        folder = posixpath.dirname(path)
        text = file.read_text(encoding="utf-8")
        graph[path] = tuple(posixpath.normpath(posixpath.join(folder, spec)) for spec in IMPORT.findall(text))
    return graph


@functools.cache
def _modules_cached() -> dict[str, tuple[str, ...]]:
    return modules_read()


def modules() -> dict[str, tuple[str, ...]]:
    """modules_read(), read once per process; again on every page in DEBUG, where the files change."""
    return modules_read() if settings.DEBUG else _modules_cached()


def imports_of(entry: str, graph: dict[str, tuple[str, ...]]) -> list[str]:
    """The modules `entry` imports, directly or not, in the order they are first met (entry left out)."""
    if entry not in graph:
        raise template.TemplateSyntaxError(f"{entry!r} is not a module under static/{MODULE_DIR}/")
    seen = {entry: None}
    stack = list(reversed(graph[entry]))
    while stack:
        path = stack.pop()
        if path in seen or path not in graph:
            continue  # a missing file shows as the browser's failed import, with its name
        seen[path] = None
        stack.extend(reversed(graph[path]))
    return list(seen)[1:]


@register.simple_tag(takes_context=True)
def module_importmap(context):
    """<script type="importmap">: every module's plain URL (what relative imports resolve to) → static().

    It is the pages' only inline script: it carries the response's CSP nonce (workflowviz/web/csp.py)."""
    mapping = {settings.STATIC_URL + path: static(path) for path in modules()}
    text = json.dumps({"imports": mapping}, indent=1).translate(JSON_ESCAPES)
    nonce = getattr(context.get("request"), "csp_nonce", "")
    nonce_attribute = format_html(' nonce="{}"', nonce) if nonce else ""
    # safe: the JSON is escaped above, the nonce by format_html
    return mark_safe(f'<script type="importmap"{nonce_attribute}>\n{text}\n</script>')


@register.simple_tag
def module_script(entry: str):
    """Preloads of everything `entry` imports (fetched at once, not one import after another), then entry."""
    preloads = format_html_join(
        "\n", '<link rel="modulepreload" href="{}">', ((static(path),) for path in imports_of(entry, modules()))
    )
    return format_html('{}\n<script type="module" src="{}"></script>', preloads, static(entry))
