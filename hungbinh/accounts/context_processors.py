from .navigation import nav_items
from .roles import role_of


def navigation(request):
    user = getattr(request, "user", None)
    return {"nav_items": nav_items(user), "user_role": role_of(user)}
