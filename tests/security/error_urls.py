"""The app's URL configuration plus a view that fails, for the logging tests."""

from django.db import OperationalError
from django.urls import path

from hungbinh.urls import handler500  # noqa: F401 - handler500 is read from here
from hungbinh.urls import urlpatterns as app_urlpatterns


def fails(request):
    raise RuntimeError("member 040190001234 broke the page")


def locked(request):
    # What SQLite raises when another transaction holds the write lock past the timeout.
    raise OperationalError("database is locked")


urlpatterns = [path("fails/", fails), path("locked/", locked), *app_urlpatterns]
