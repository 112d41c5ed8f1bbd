from django.utils.translation import get_language

from .navigation import current_key, language_links, nav_items
from .roles import role_of


def navigation(request):
    user = getattr(request, "user", None)
    items = nav_items(user)
    match = getattr(request, "resolver_match", None)
    return {
        "nav_items": items,
        "nav_current": current_key(items, match.url_name if match else None),
        "user_role": role_of(user),
        "language_links": language_links(request.get_full_path(), get_language()),
    }
