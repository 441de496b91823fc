"""
Open Magazine's own settings (MAGAZINE_*), driven by environment variables as the
rest; `magazine/settings.py` reads them all in. The README lists the variables.
"""

import os
from pathlib import Path

from magazine.env import BASE_DIR, DEBUG, env_bool, env_list

# Anonymous readers' pages are kept this long at most (0 turns the page cache off);
# changes invalidate them at once. Browsers may reuse form-less pages this long.
MAGAZINE_PAGE_CACHE_SECONDS = int(os.environ.get("MAGAZINE_PAGE_CACHE_SECONDS", "600"))
MAGAZINE_BROWSER_CACHE_SECONDS = 60
# A shared cache in front (Varnish, a CDN) may keep anonymous pages this long; changes
# ban them from it at once (articles/edge.py), so this only bounds a missed ban.
MAGAZINE_SHARED_CACHE_SECONDS = int(os.environ.get("MAGAZINE_SHARED_CACHE_SECONDS", "60"))
# Shared caches in front (Varnish: `make serve-proxied`, varnish/default.vcl), each
# sent a BAN of the names a change bumps (articles/edge.py), e.g. "http://127.0.0.1:8000/".
# Empty (the default): pages carry no cache tags and no ban is sent.
MAGAZINE_EDGE_CACHE_URLS = env_list("MAGAZINE_EDGE_CACHE_URLS")
# Parts of pages kept rendered under what they show (articles/fragments.py), for every
# reader; off, every page is rendered from scratch (`make bench` measures both).
MAGAZINE_KEEP_FRAGMENTS = env_bool("MAGAZINE_KEEP_FRAGMENTS", True)
# How many reverse proxies in front of gunicorn append to X-Forwarded-For (0: none;
# the client address is then REMOTE_ADDR). Used only for hashed rate-limit keys.
MAGAZINE_TRUSTED_PROXIES = int(os.environ.get("MAGAZINE_TRUSTED_PROXIES", "0"))
MAGAZINE_ARTICLES_PER_PAGE = 12
# Uploaded images: allowed formats, byte and pixel ceilings, rendition widths.
MAGAZINE_IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")
MAGAZINE_IMAGE_MAX_BYTES = 10 * 1024 * 1024
MAGAZINE_IMAGE_MAX_PIXELS = 40_000_000
MAGAZINE_IMAGE_WIDTHS = (480, 960, 1440)
# Comments: close them this many days after publishing (unset: open while the article's
# switch is on); top-level threads on the article page and per "View all comments" page.
MAGAZINE_COMMENTS_CLOSE_AFTER_DAYS = (
    int(os.environ["MAGAZINE_COMMENTS_CLOSE_AFTER_DAYS"])
    if os.environ.get("MAGAZINE_COMMENTS_CLOSE_AFTER_DAYS")
    else None
)
# The first ten threads, as wpDiscuz shows; "View all comments" pages through the rest.
MAGAZINE_COMMENT_THREADS_ON_ARTICLE = 10
# Readers' reports (from this many different networks) that send a comment back to moderation.
MAGAZINE_REPORTS_TO_HOLD = int(os.environ.get("MAGAZINE_REPORTS_TO_HOLD", "3"))
MAGAZINE_COMMENT_THREADS_PER_PAGE = 50
# Feeds: how many articles, and whether items carry the whole body or only the summary.
MAGAZINE_FEED_ITEMS = 20
MAGAZINE_FEED_FULL_TEXT = env_bool("MAGAZINE_FEED_FULL_TEXT", True)
# A static file used as the publisher's logo in structured data, e.g. "img/logo.png"
# (search engines want a raster image); none by default.
MAGAZINE_PUBLISHER_LOGO = os.environ.get("MAGAZINE_PUBLISHER_LOGO", "")
# The site's address, for links in emails (no request to take it from in a task).
MAGAZINE_SITE_URL = os.environ.get("MAGAZINE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# GET and HEAD for another allowed host name move (301) to MAGAZINE_SITE_URL's host; off
# in development, where whatever host the developer opens is served.
MAGAZINE_CANONICAL_HOST_REDIRECT = env_bool("MAGAZINE_CANONICAL_HOST_REDIRECT", not DEBUG)
# Who is told by email when a comment waits for moderation (the article's author is too).
MAGAZINE_MODERATION_EMAILS = env_list("MAGAZINE_MODERATION_EMAILS")

# Operations (README, "Operations"). /metrics answers these client addresses or networks,
# and anyone sending `Authorization: Bearer <MAGAZINE_METRICS_TOKEN>`; others get a 404.
MAGAZINE_METRICS_ALLOW = env_list("MAGAZINE_METRICS_ALLOW", "127.0.0.1,::1")
MAGAZINE_METRICS_TOKEN = os.environ.get("MAGAZINE_METRICS_TOKEN", "")
# The mail worker renews its heartbeat this often; older than the stale limit, or a
# queued mail due for longer than the wait limit, and the admin and /readyz say mail is
# not being sent. A task running longer than the task limit counts as stuck.
MAGAZINE_WORKER_HEARTBEAT_SECONDS = int(os.environ.get("MAGAZINE_WORKER_HEARTBEAT_SECONDS", "30"))
MAGAZINE_WORKER_STALE_SECONDS = int(os.environ.get("MAGAZINE_WORKER_STALE_SECONDS", "300"))
MAGAZINE_WORKER_TASK_SECONDS = int(os.environ.get("MAGAZINE_WORKER_TASK_SECONDS", "120"))
MAGAZINE_MAIL_MAX_WAIT_SECONDS = int(os.environ.get("MAGAZINE_MAIL_MAX_WAIT_SECONDS", "900"))
# `make backup`: dated folders of database and media here, the newest this many kept.
MAGAZINE_BACKUP_DIR = Path(os.environ.get("MAGAZINE_BACKUP_DIR", BASE_DIR / "backups"))
MAGAZINE_BACKUP_KEEP = int(os.environ.get("MAGAZINE_BACKUP_KEEP", "7"))

# Revisions (articles/revisions.py)
# Autosaves older than this many days are pruned on the next autosave; empty keeps all.
MAGAZINE_AUTOSAVE_KEEP_DAYS = (
    int(os.environ["MAGAZINE_AUTOSAVE_KEEP_DAYS"])
    if os.environ.get("MAGAZINE_AUTOSAVE_KEEP_DAYS")
    else None
)
# How often an open change form autosaves (when changed) and says who has it open.
MAGAZINE_AUTOSAVE_SECONDS = 30
MAGAZINE_PRESENCE_SECONDS = 20

# Embeds (articles/embeds.py): cards made on save, on the server; readers' pages never
# ask a provider for anything. MAGAZINE_EMBED_PROVIDERS replaces the allow-list of
# oEmbed providers (default: articles/embeds.py, DEFAULT_PROVIDERS).
MAGAZINE_EMBED_TIMEOUT_SECONDS = 3
MAGAZINE_EMBED_MAX_BYTES = 64 * 1024
MAGAZINE_EMBED_MAX_THUMBNAIL_BYTES = 5 * 1024 * 1024
