# Hưng Bình: the two commands of the README, and a few helpers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The demo runs with DEBUG on unless told otherwise (seed_demo refuses without it).
export DEBUG ?= 1

.PHONY: run test venv system migrate seed bench loadtest million lint format messages clean

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# So that `.venv/bin/python manage.py …` works in a development checkout too.
.env:
	printf '# Development settings (not for production; see README "Configuration").\nDEBUG=1\n' > $@

venv: $(BIN)/.installed .env

# Debian libraries for PDF documents (pango): installed when root, else named in one line.
system:
	@sh scripts/system_packages.sh

migrate: venv
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: system seed
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The whole suite, or one of two parts of it: TESTS_PART=1 runs the directories of TESTS_PART_1, TESTS_PART=2 all
# the others (CI runs its SQLite pass as the two parts side by side: README, "Tests").
TESTS_PART_1 := tests/security tests/reports
TESTS_ARGS_1 := $(TESTS_PART_1)
TESTS_ARGS_2 := tests $(addprefix --ignore=,$(TESTS_PART_1))
ifneq ($(filter-out 1 2,$(TESTS_PART)),)
$(error TESTS_PART is 1 or 2 (or unset for the whole suite), not "$(TESTS_PART)")
endif

test: venv
	$(BIN)/python -m pytest $(TESTS_ARGS_$(TESTS_PART))

bench: venv
	$(BIN)/python -m bench

$(BIN)/.loadtest: requirements-loadtest.txt $(BIN)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-loadtest.txt
	touch $@

# Locust against gunicorn on PostgreSQL with 100,000 households (not in CI);
# results in bench/RESULTS.md.
loadtest: venv $(BIN)/.loadtest
	$(BIN)/python -m bench.loadtest

# A million households over 300 wards in PostgreSQL database hb_million: page
# times and query plans into bench/RESULTS.md (docs/scaling.md reads them).
# Generation runs at the lowest priority: it takes a while on a shared machine.
million: venv
	nice -n 19 $(BIN)/python -m bench.million --generate-only
	$(BIN)/python -m bench.million

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the Vietnamese catalogue after changing user-facing strings, then
# translate the new entries in locale/vi/LC_MESSAGES/django.po and run it again.
messages: venv
	$(BIN)/python manage.py makemessages -l vi --no-location --ignore=.venv --ignore=staticfiles
	$(BIN)/python manage.py compilemessages -l vi --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles
