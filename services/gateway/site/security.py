"""Headers every page carries, and which paths are the site's rather than the API's.

The policy allows nothing but this origin: no inline script or style (`unsafe-inline` never),
no third-party resource, no framing. Pages that carry a mailed token in their address send no
`Referer` at all, so the token cannot leave the site through a link.
"""

from __future__ import annotations

from typing import Final

API_PREFIXES: Final = ("/v1", "/oai", "/health", "/metrics", "/schema")

CONTENT_SECURITY_POLICY: Final = "; ".join([
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "font-src 'self'", "connect-src 'self'", "form-action 'self'", "frame-ancestors 'none'",
    "base-uri 'none'", "object-src 'none'"])


def is_site_path(path: str) -> bool:
    """Whether `path` belongs to the pages (HTML) rather than the API (JSON)."""
    return not any(path == prefix or path.startswith(prefix + "/") for prefix in API_PREFIXES)


def security_headers(public_base_url: str, *, carries_token: bool = False) -> dict[str, str]:
    """The headers of one page; HSTS only where the site is served over https."""
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer" if carries_token else "strict-origin-when-cross-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    if public_base_url.startswith("https://"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers
