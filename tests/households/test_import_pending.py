"""households.importing.pending: a checked upload kept for its user only, for a limited time."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from households.importing.pending import (
    PENDING_MINUTES,
    pending_discard,
    pending_keep,
    pending_open,
    pending_sweep,
)


class Someone:
    def __init__(self, pk):
        self.pk = pk


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path)


def test_kept_for_its_user_only_and_for_a_while(storage):
    now = timezone.now()
    owner, other = Someone(1), Someone(2)
    token = pending_keep(user=owner, file=BytesIO(b"workbook"), now=now, storage=storage)
    with pending_open(user=owner, token=token, now=now + timedelta(minutes=5), storage=storage) as file:
        assert file.read() == b"workbook"
    assert pending_open(user=other, token=token, now=now, storage=storage) is None
    late = now + timedelta(minutes=PENDING_MINUTES, seconds=1)
    assert pending_open(user=owner, token=token, now=late, storage=storage) is None
    pending_discard(user=owner, token=token, storage=storage)
    assert pending_open(user=owner, token=token, now=now, storage=storage) is None


@pytest.mark.parametrize("token", ["", "../1/1234567890-0123456789abcdef", "1234567890-0123456789abcdef/..", "x"])
def test_a_token_names_nothing_but_a_kept_file(storage, token):
    assert pending_open(user=Someone(1), token=token, now=timezone.now(), storage=storage) is None
    pending_discard(user=Someone(1), token=token, storage=storage)  # nothing happens


def test_keeping_a_file_sweeps_everyones_old_ones(storage):
    now = timezone.now()
    old = pending_keep(user=Someone(1), file=BytesIO(b"a"), now=now - timedelta(hours=2), storage=storage)
    fresh = pending_keep(user=Someone(2), file=BytesIO(b"b"), now=now - timedelta(minutes=1), storage=storage)
    pending_keep(user=Someone(3), file=BytesIO(b"c"), now=now, storage=storage)
    assert pending_open(user=Someone(1), token=old, now=now - timedelta(hours=2), storage=storage) is None
    kept = pending_open(user=Someone(2), token=fresh, now=now, storage=storage)
    assert kept is not None
    kept.close()
    assert pending_sweep(now=now + timedelta(hours=1), storage=storage) == 2
