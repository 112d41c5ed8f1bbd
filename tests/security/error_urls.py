"""The app's URL configuration plus a view that fails, for the logging tests."""

from django.urls import path

from hungbinh.urls import handler500  # noqa: F401 - handler500 is read from here
from hungbinh.urls import urlpatterns as app_urlpatterns


def fails(request):
    raise RuntimeError("member 040190001234 broke the page")


urlpatterns = [path("fails/", fails), *app_urlpatterns]
