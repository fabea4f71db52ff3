# `make run` and `make test` do everything on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test lint format translations messages bench audit clean

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

translations: $(BIN)/activate
	$(BIN)/pybabel compile --use-fuzzy -d app/translations -f --statistics 2>&1 | tail -n 1

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: browser accessibility and HTML checks will be skipped"; fi

run: $(BIN)/activate translations
	ATELIER_ENV=development $(BIN)/flask db upgrade
	ATELIER_ENV=development $(BIN)/flask demo-data
	ATELIER_ENV=development $(BIN)/flask run --host 127.0.0.1 --port 5000

# No `translations` here: the compiled .mo is committed, and a test checks it matches.
# One pytest worker per core (pytest-xdist; each has its own databases, live server and
# Chromium): TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= auto
test: $(BIN)/activate
	-@$(MAKE) --no-print-directory node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(BIN)/activate
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/activate
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-extract the strings and merge them into the catalogues (then translate the new ones).
messages: $(BIN)/activate
	$(BIN)/pybabel extract -F babel.cfg -k _l -o app/translations/messages.pot --no-location --sort-output --ignore-dirs '.* __pycache__ node_modules' .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

# Not part of `make test`: ~17 minutes on SQLite, ~35 with PostgreSQL (BENCH_ROUNDS=1
# BENCH_SECONDS=5 for a quick look: ~7 minutes with both). Needs the Debian packages wrk
# and nginx; PostgreSQL too when BENCH_DATABASE_URL is set (postgresql://user:pass@127.0.0.1/db).
bench: $(BIN)/activate
	$(BIN)/python bench/run.py
	$(BIN)/python bench/learning.py
	$(BIN)/python bench/billing.py
	$(BIN)/python bench/community.py

# Known vulnerabilities in the pinned requirements. Needs the network (PyPI and OSV):
# CI here has none, so it is not part of `make test`; run it where a network allows.
audit: $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-audit.txt
	$(BIN)/pip-audit --strict -r requirements.txt -r requirements-dev.txt

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
