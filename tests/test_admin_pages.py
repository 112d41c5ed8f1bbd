"""Every page of the admin opens for the administrator: the index, and each
registered model's list and add page (an admin class that breaks one of them
breaks the whole index)."""

import pytest
from django.contrib import admin
from django.urls import reverse

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def admin_client_world(client, world):
    client.force_login(world.users["admin"])
    return client


def test_admin_index_opens(admin_client_world):
    assert admin_client_world.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label for m in MODELS])
def test_admin_list_and_add_pages_open(admin_client_world, model):
    opts = model._meta
    changelist = admin_client_world.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    add = admin_client_world.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    # 403 where the admin class forbids adding (e.g. history rows); never a 500.
    assert add.status_code in (200, 403)


@pytest.mark.parametrize("label", ["households.PersonalDataAccess", "households.ImportRun"])
def test_records_the_app_writes_are_read_only_in_the_admin(rf, world, label):
    """The access log and the import runs are evidence: the admin shows them, never adds, changes or deletes."""
    model_admin = next(a for m, a in admin.site._registry.items() if m._meta.label == label)
    request = rf.get("/")
    request.user = world.users["admin"]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
