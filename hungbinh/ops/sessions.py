"""Sessions kept only in the cache (SESSION_STORE=cache), with an outage that says its name.

Django's cache session store raises a bare RuntimeError when it cannot create a
session; with Redis down that would be a login ending on the 500 page. Here it
is a CacheUnavailable, which the error handler answers with the 503 page.
"""

from django.contrib.sessions.backends import cache


class CacheUnavailable(Exception):
    """The shared cache (Redis) does not answer."""


class SessionStore(cache.SessionStore):
    def create(self):
        try:
            super().create()
        except RuntimeError as error:
            raise CacheUnavailable("the session cache does not answer") from error
