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
