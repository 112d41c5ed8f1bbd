from django.utils.cache import add_never_cache_headers


class PrivateNoStoreMiddleware:
    """Nothing shown to a logged-in user is kept by a browser or proxy cache.

    Registry pages, API answers and exports carry personal data
    (docs/personal-data.md), so every response to an authenticated request is
    marked no-store, rather than relying on each view to remember it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.headers.get("Authorization"):
            add_never_cache_headers(response)
        return response


# Every asset is served by the app itself (no CDN), every script is a file in
# static/ and no template carries inline code or style="" (a test holds them to
# it), so the policy allows nothing but the app's own origin: an injected
# <script> or event handler does not run.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Swagger UI draws a few icons as data: URLs.
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy header with every response that does not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
