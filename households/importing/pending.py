"""A checked upload kept for a while, so that “Import this file” needs no second upload (docs/workbook.md).

After a dry run without a problem the file is saved through Django's storage
under the user's own folder, named by the moment it was kept and a random
token. Only that user can name it again (the path holds their id), and only
for `PENDING_MINUTES`; older files are swept whenever another one is kept.
The import itself checks the file again in full before writing: the registry
may have changed since the dry run.
"""

import re
import secrets
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

PENDING_FOLDER = "imports/pending"
PENDING_MINUTES = 30
TOKEN = re.compile(r"^(\d{10})-[0-9a-f]{16}$")


def _name(user, token: str) -> str:
    return f"{PENDING_FOLDER}/{user.pk}/{token}.xlsx"


def _kept_at(token: str) -> int | None:
    match = TOKEN.match(token or "")
    return int(match[1]) if match else None


def _expired(token: str, now: datetime) -> bool:
    kept_at = _kept_at(token)
    return kept_at is None or now.timestamp() - kept_at > timedelta(minutes=PENDING_MINUTES).total_seconds()


def pending_keep(*, user, file, now: datetime, storage=None) -> str:
    """Keep the uploaded file for `user`; the token names it in `pending_open`."""
    storage = storage or default_storage
    pending_sweep(now=now, storage=storage)
    token = f"{int(now.timestamp()):010d}-{secrets.token_hex(8)}"
    file.seek(0)
    storage.save(_name(user, token), ContentFile(file.read()))
    return token


def pending_open(*, user, token: str, now: datetime, storage=None):
    """The kept file of `user` named by `token`, or None when there is none or it is too old."""
    storage = storage or default_storage
    if _expired(token, now):
        return None
    name = _name(user, token)
    if not storage.exists(name):
        return None
    return storage.open(name, "rb")


def pending_discard(*, user, token: str, storage=None) -> None:
    storage = storage or default_storage
    if _kept_at(token) is not None:
        storage.delete(_name(user, token))


def pending_sweep(*, now: datetime, storage=None) -> int:
    """Delete every user's kept files older than `PENDING_MINUTES`; how many were deleted."""
    storage = storage or default_storage
    deleted = 0
    try:
        folders, _files = storage.listdir(PENDING_FOLDER)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    for folder in folders:
        _subfolders, files = storage.listdir(f"{PENDING_FOLDER}/{folder}")
        for file in files:
            token = file.removesuffix(".xlsx")
            if _expired(token, now):
                storage.delete(f"{PENDING_FOLDER}/{folder}/{file}")
                deleted += 1
    return deleted
