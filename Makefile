# Open Magazine: `make run` serves the site, `make test` runs the tests.
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= $(shell command -v python3.12 || command -v python3.13 || command -v python3)
PYTEST_ARGS ?=

.PHONY: run test test-database coverage lint format lock serve serve-proxied worker backup check-backup bench bench-compare bench-scale profile clean

$(VENV)/installed.stamp: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

run: $(VENV)/installed.stamp
	$(PY) manage.py migrate --noinput
	MAGAZINE_SITE_URL=$${MAGAZINE_SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production: gunicorn with gunicorn.conf.py, DEBUG off, hashed compressed static files.
# Needs DJANGO_SECRET_KEY (and the variables the README lists) in the environment.
serve: $(VENV)/installed.stamp
	@test -n "$$DJANGO_SECRET_KEY" || { echo "Set DJANGO_SECRET_KEY (see README)."; exit 1; }
	DJANGO_DEBUG=false $(PY) manage.py collectstatic --noinput -v0
	DJANGO_DEBUG=false $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=false $(VENV)/bin/gunicorn magazine.wsgi -c gunicorn.conf.py

# `make serve` behind Varnish (varnish/default.vcl): varnishd answers on PORT, gunicorn on
# INNER_PORT; each change bans the pages that show it there (README, "A cache in front").
INNER_PORT ?= 8001
VARNISH_LISTEN ?= 127.0.0.1:$(PORT)
VARNISH_MEMORY ?= 256m
VARNISH_DIR ?= /tmp/open-magazine-varnish-$(PORT)
serve-proxied: $(VENV)/installed.stamp
	@test -n "$$DJANGO_SECRET_KEY" || { echo "Set DJANGO_SECRET_KEY (see README)."; exit 1; }
	@command -v varnishd >/dev/null || { echo "Needs Varnish: apt-get install varnish"; exit 1; }
	DJANGO_DEBUG=false $(PY) manage.py collectstatic --noinput -v0
	DJANGO_DEBUG=false $(PY) manage.py migrate --noinput
	mkdir -p $(VARNISH_DIR) && chmod 755 $(VARNISH_DIR)
	sed 's/"8001"/"$(INNER_PORT)"/' varnish/default.vcl > $(VARNISH_DIR)/default.vcl
	DJANGO_DEBUG=false GUNICORN_BIND=127.0.0.1:$(INNER_PORT) \
	  MAGAZINE_TRUSTED_PROXIES=$${MAGAZINE_TRUSTED_PROXIES:-1} \
	  MAGAZINE_EDGE_CACHE_URLS=$${MAGAZINE_EDGE_CACHE_URLS:-http://127.0.0.1:$(PORT)/} \
	  $(VENV)/bin/gunicorn magazine.wsgi -c gunicorn.conf.py & gunicorn=$$!; \
	  trap 'kill $$gunicorn 2>/dev/null' EXIT INT TERM; \
	  varnishd -F -a $(VARNISH_LISTEN) -f $(VARNISH_DIR)/default.vcl -n $(VARNISH_DIR)/n \
	    -s malloc,$(VARNISH_MEMORY)

# Production's background worker (sends mail): runs the tasks stored by TASKS_BACKEND=database.
# Start one or more beside `make serve`, with the same environment.
# It records a heartbeat: the admin and /readyz say so when it stops (README, Operations).
worker: $(VENV)/installed.stamp
	DJANGO_DEBUG=$${DJANGO_DEBUG:-false} $(PY) manage.py db_worker

# Database and media into a dated folder of BACKUP_DIR, keeping the newest BACKUP_KEEP;
# then prove the new one restores. Run it from cron or a systemd timer (README).
BACKUP_DIR ?= $${MAGAZINE_BACKUP_DIR:-backups}
BACKUP_KEEP ?= $${MAGAZINE_BACKUP_KEEP:-7}
backup: $(VENV)/installed.stamp
	$(PY) manage.py backup --dir "$(BACKUP_DIR)" --keep $(BACKUP_KEEP)
	$(PY) manage.py check_backup --dir "$(BACKUP_DIR)"

check-backup: $(VENV)/installed.stamp
	$(PY) manage.py check_backup --dir "$(BACKUP_DIR)"

# Browser tests run on their own, after the rest, a file per worker (a file's tests share
# its module fixtures, such as Lighthouse's runs): they mostly wait on the browser, so two
# workers take half the time even on two cores. Both runs measure coverage; `make
# coverage` reports it.
test: $(VENV)/installed.stamp
	$(PY) -m pytest -n auto --dist load -m "not e2e" --cov --cov-report= --cov-fail-under=0 $(PYTEST_ARGS)
	$(PY) -m pytest -n auto --dist loadfile -m e2e --cov --cov-append --cov-report= --cov-fail-under=0 $(PYTEST_ARGS)

# The tests without a browser and without coverage: CI's second pass, on PostgreSQL and
# Redis (the browser tests are the same on either database, and ran in `make test`).
test-database: $(VENV)/installed.stamp
	$(PY) -m pytest -n auto --dist load -m "not e2e" $(PYTEST_ARGS)

# Branch coverage of articles/ and magazine/ from the last `make test`, with the floor
# of pyproject.toml; CHANGED_SINCE=<rev> also reports the files changed since then.
coverage: $(VENV)/installed.stamp
	$(VENV)/bin/coverage report
	@if [ -n "$(CHANGED_SINCE)" ]; then \
	  files=$$(git diff --name-only --diff-filter=AM $(CHANGED_SINCE) -- 'articles/*.py' 'magazine/*.py' | grep -v /migrations/ | paste -sd, -); \
	  [ -z "$$files" ] || { echo "--- files changed since $(CHANGED_SINCE)"; $(VENV)/bin/coverage report --include="$$files" --skip-covered --fail-under=0; }; \
	fi

# ruff, ruff-format, django-upgrade and djade, as pre-commit runs them before a commit.
lint: $(VENV)/installed.stamp
	$(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

format: $(VENV)/installed.stamp
	-$(VENV)/bin/pre-commit run --all-files

# Re-resolve the lock from pyproject.toml's ranges in a throwaway environment.
lock:
	rm -rf /tmp/open-magazine-lock && $(PYTHON) -m venv /tmp/open-magazine-lock
	/tmp/open-magazine-lock/bin/pip install --quiet --upgrade pip
	$(PYTHON) -c 'import tomllib; d = tomllib.load(open("pyproject.toml", "rb")); \
	  print("\n".join(d["project"]["dependencies"] + d["dependency-groups"]["dev"]))' \
	  > /tmp/open-magazine-lock/wanted.txt
	/tmp/open-magazine-lock/bin/pip install --quiet -r /tmp/open-magazine-lock/wanted.txt
	{ echo "# Locked versions: every machine installs exactly these (make run, make test, CI)."; \
	  echo "# Regenerate with 'make lock' after changing pyproject.toml's dependencies."; \
	  /tmp/open-magazine-lock/bin/pip freeze; } > requirements.txt

# Throughput and latency of the main pages under wrk (see benchmarks/bench.py).
bench: $(VENV)/installed.stamp
	$(PY) benchmarks/bench.py

# The same rows on another checkout too, in one sitting, interleaved round by round, with
# a before/after table (BENCH_BEFORE: a checkout with its .venv, e.g. `git worktree add
# /tmp/before main` and `ln -s $$PWD/.venv /tmp/before/.venv`). About 20 minutes.
BENCH_BEFORE ?= /tmp/before
bench-compare: $(VENV)/installed.stamp
	@test -f "$(BENCH_BEFORE)/manage.py" || { echo "BENCH_BEFORE=$(BENCH_BEFORE) is not a checkout: git worktree add $(BENCH_BEFORE) main"; exit 2; }
	BENCH_BEFORE=$(BENCH_BEFORE) $(PY) benchmarks/bench.py

# Where an uncached page's time goes, on the database `make bench` leaves (PAGE=/path/).
profile: $(VENV)/installed.stamp
	$(PY) benchmarks/profile_page.py $(PAGE)

# Lighthouse scores of the home page and the story, each the median of three runs (npm ci first).
lighthouse: $(VENV)/installed.stamp
	$(PY) benchmarks/lighthouse.py

clean:
	rm -rf $(VENV) staticfiles

# Page times on 1,000 against 100,000 articles (PostgreSQL; see benchmarks/scale.py).
# SCALE_ARGS=--reuse keeps databases that already hold the data.
bench-scale: $(VENV)/installed.stamp
	$(PY) benchmarks/scale.py $(SCALE_ARGS)
