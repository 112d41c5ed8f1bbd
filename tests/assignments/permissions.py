"""Tasks in the permission matrix (tests/security/matrix.py).

A task is its lead unit's: "own" is led by the unit member's unit (the Women's Union), "other_khoi" by the
khối committees, whose tasks a khối member sees (tests/security/matrix_world.py).
"""

from ..security.matrix import API, PAGE, TASK_WORKERS, WARD_STAFF, Route

ROUTES = [
    Route("tasks/", PAGE),
    # A task is added to a plan (?plan=…): without one the page is a 404 for those who may add tasks.
    Route("tasks/new/", PAGE, allowed=WARD_STAFF, ok=404),
    Route("my-work/", PAGE),
    Route("tasks/{pk}/", PAGE, object="task"),
    Route("tasks/{pk}/edit/", PAGE, object="task", allowed=WARD_STAFF),
    Route("tasks/{pk}/file/", PAGE, object="task"),
    Route("api/v1/tasks/", API),
    Route("api/v1/tasks/{pk}/", API, object="task"),
    # Attaching a file without one is a 400 for those who work on the task.
    Route("api/v1/tasks/{pk}/attachment/", API, "post", object="task", allowed=TASK_WORKERS, ok=400),
    Route("api/v1/tasks/{pk}/notes/", API, object="task"),
]
