"""Tasks in the permission matrix (tests/security/matrix.py)."""

from ..security.matrix import API, PAGE, WARD_STAFF, Route

ROUTES = [
    Route("tasks/", PAGE),
    # A task is added to a plan (?plan=…): without one the page is a 404 for those who may add tasks.
    Route("tasks/new/", PAGE, allowed=WARD_STAFF, ok=404),
    Route("my-work/", PAGE),
    # A task's pages need the program's objects: their roles and scopes are checked in the program's view tests.
    Route("tasks/{pk}/", PAGE, covered_by="tests/projects/test_views.py"),
    Route("tasks/{pk}/edit/", PAGE, covered_by="tests/projects/test_views.py"),
    Route("tasks/{pk}/file/", PAGE, covered_by="tests/projects/test_views.py"),
    Route("api/v1/tasks/", API),
    Route("api/v1/tasks/{pk}/", API, covered_by="tests/projects/test_api.py"),
    Route("api/v1/tasks/{pk}/attachment/", API, covered_by="tests/projects/test_api.py"),
    Route("api/v1/tasks/{pk}/notes/", API, covered_by="tests/projects/test_api.py"),
]
