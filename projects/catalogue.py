"""The national catalogue (program 2021–2025, projects, sub-projects, funding sources)
is data loaded by migration projects/0002. `ensure_catalogue` loads it again where a
database lost it (a test that flushed its tables), with the migration's own data."""

import importlib

from django.apps import apps

from .models import Program

CATALOGUE_MIGRATION = "projects.migrations.0002_program_catalogue"
PROGRAM_2021_2025 = "gnbv-2021-2025"


def ensure_catalogue() -> Program:
    program = Program.objects.filter(code=PROGRAM_2021_2025).first()
    if program is None:
        importlib.import_module(CATALOGUE_MIGRATION).load(apps, None)
        program = Program.objects.get(code=PROGRAM_2021_2025)
    return program
