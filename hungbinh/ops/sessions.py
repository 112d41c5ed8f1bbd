"""Sessions kept only in the cache (SESSION_STORE=cache), with an outage that says its name.

Django's cache session store raises a bare RuntimeError when it cannot create a
session; with Redis down that would be a login ending on the 500 page. Here it
is a CacheUnavailable, which the error handler answers with the 503 page.

Django tries 10,000 new keys before it gives up (a cache that fails silently
looks like a key collision); with Redis down each try is a refused connection
and its retries, so a login waited minutes (past any worker timeout) before
the 503. A new random key is taken by chance practically never: a few refusals
in a row mean the cache does not answer.
"""

from django.contrib.sessions.backends import cache
from django.contrib.sessions.backends.base import CreateError

CREATE_ATTEMPTS = 3


class CacheUnavailable(Exception):
    """The shared cache (Redis) does not answer."""


class SessionStore(cache.SessionStore):
    def create(self):
        for _attempt in range(CREATE_ATTEMPTS):
            self._session_key = self._get_new_session_key()
            try:
                self.save(must_create=True)
            except CreateError:
                continue
            self.modified = True
            return
        raise CacheUnavailable("the session cache does not answer")
