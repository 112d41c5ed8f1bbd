from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from hungbinh.ops.views import health_view

admin.site.site_header = _("Hưng Bình — poverty reduction program administration")
admin.site.site_title = _("Hưng Bình administration")
admin.site.index_title = _("Data administration")

urlpatterns = [
    path("api/v1/", include("hungbinh.api_urls")),
    # Outside the language prefixes and the login: load balancers call it.
    path("health/", health_view, name="health"),
]

# Vietnamese at the plain paths, English under /en/.
# The language switch lives inside the prefixed patterns too: a path without a
# prefix always runs in Vietnamese, and from there Django cannot translate an
# /en/ "next" URL back, so switching an English page to Vietnamese stayed English.
urlpatterns += i18n_patterns(
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("hungbinh.accounts.urls")),
    path("reports/", include("reports.urls")),
    path("reviews/", include("reviews.urls")),
    path("", include("projects.urls")),
    path("", include("assignments.urls")),
    path("", include("households.urls")),
    prefix_default_language=False,
)

handler500 = "hungbinh.ops.errors.server_error"
