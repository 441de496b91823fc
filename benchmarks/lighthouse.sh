#!/usr/bin/env bash
# `make lighthouse`: Lighthouse 12.8.2 (mobile preset) on the seed article, served by
# gunicorn with the production settings on 127.0.0.1; prints the four category scores.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${LIGHTHOUSE_PORT:-8242}
URL="http://127.0.0.1:$PORT/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/"
[ -x .lighthouse/node_modules/.bin/lighthouse ] \
  || npm install --silent --no-audit --no-fund --prefix .lighthouse lighthouse@12.8.2
export DJANGO_DEBUG=false DJANGO_SECURE_SSL_REDIRECT=false DJANGO_ALLOWED_HOSTS=127.0.0.1 \
  DJANGO_SECRET_KEY="lighthouse-only-$(head -c 24 /dev/urandom | base64)" \
  DJANGO_STATIC_ROOT="$(mktemp -d)" GUNICORN_BIND="127.0.0.1:$PORT" WEB_CONCURRENCY=2
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/gunicorn magazine.wsgi -c gunicorn.conf.py >/dev/null 2>&1 &
server=$!
trap 'kill $server' EXIT
for _ in $(seq 50); do curl -fs -o /dev/null "$URL" && break; sleep 0.2; done
CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium} .lighthouse/node_modules/.bin/lighthouse "$URL" \
  --output=json --output-path=.lighthouse/report.json --quiet \
  --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --disable-background-networking --disable-component-update --disable-sync"
.venv/bin/python -c "
import json
report = json.load(open('.lighthouse/report.json'))
for name, category in report['categories'].items():
    print(f'{name}: {round(category[\"score\"] * 100)}')
"
