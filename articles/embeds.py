"""
Embeds: a link to a video, post, sound or chart from an allow-listed provider, shown
in a story as a card (title, provider, thumbnail) made once, on save.

The provider's oEmbed data is fetched here, on the server, with a short timeout and a
size limit, and no redirect to another host; the thumbnail is copied into the media
library. The page itself never asks a third party for anything (no iframe, no remote
image): a reader's browser only follows the link when they press it. A provider that
is not allowed, unreachable or answering nonsense gives no card, and the story shows
a plain link (the next save tries again).

Providers are `settings.MAGAZINE_EMBED_PROVIDERS` if set, else `DEFAULT_PROVIDERS`:
name -> its oEmbed endpoint, the hosts its links live on and the hosts its thumbnails
may be copied from (into the media library).
"""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

TEXT_LIMIT = 300

DEFAULT_PROVIDERS = {
    "YouTube": {
        "endpoint": "https://www.youtube.com/oembed",
        "hosts": ["youtube.com", "youtu.be"],
        "thumbnail_hosts": ["ytimg.com"],
    },
    "Vimeo": {
        "endpoint": "https://vimeo.com/api/oembed.json",
        "hosts": ["vimeo.com"],
        "thumbnail_hosts": ["vimeocdn.com"],
    },
    "X": {
        "endpoint": "https://publish.twitter.com/oembed",
        "hosts": ["twitter.com", "x.com"],
        "thumbnail_hosts": [],
    },
    "SoundCloud": {
        "endpoint": "https://soundcloud.com/oembed",
        "hosts": ["soundcloud.com"],
        "thumbnail_hosts": ["sndcdn.com"],
    },
    "Flickr": {
        "endpoint": "https://www.flickr.com/services/oembed/",
        "hosts": ["flickr.com", "flic.kr"],
        "thumbnail_hosts": ["staticflickr.com"],
    },
    "Datawrapper": {
        "endpoint": "https://api.datawrapper.de/v3/oembed/",
        "hosts": ["datawrapper.dwcdn.net"],
        "thumbnail_hosts": ["datawrapper.dwcdn.net"],
    },
}


class EmbedError(Exception):
    """The provider could not give a card (why is in the message, for the log)."""


@dataclass
class Card:
    url: str
    title: str
    provider: str
    author: str = ""
    thumbnail: bytes = b""


def _host(url):
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme not in {"http", "https"}:
        return ""
    return (parts.hostname or "").lower()


def _matches(host, allowed):
    return any(host == name or host.endswith("." + name) for name in allowed)


def provider_for(url):
    """(name, settings) of the allow-listed provider of a link, or None."""
    host = _host(url)
    if not host:
        return None
    for name, provider in getattr(settings, "MAGAZINE_EMBED_PROVIDERS", DEFAULT_PROVIDERS).items():
        if _matches(host, provider["hosts"]):
            return name, provider
    return None


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to the host that was asked."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if _host(newurl) != _host(req.full_url):
            raise EmbedError(f"redirect to another host: {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_SameHostRedirects)


def fetch(url, limit):
    """The body of a GET to `url`, at most `limit` bytes, within the embed timeout."""
    request = urllib.request.Request(url, headers={"User-Agent": "OpenMagazine-embeds/1"})
    timeout = settings.MAGAZINE_EMBED_TIMEOUT_SECONDS
    try:
        with _opener.open(request, timeout=timeout) as response:
            body = response.read(limit + 1)
    except (OSError, ValueError, urllib.error.URLError) as error:
        raise EmbedError(f"{url}: {error}") from error
    if len(body) > limit:
        raise EmbedError(f"{url}: more than {limit} bytes")
    return body


def _text(data, key):
    value = data.get(key)
    return " ".join(value.split())[:TEXT_LIMIT] if isinstance(value, str) else ""


def _oembed(url, provider):
    query = urllib.parse.urlencode({"url": url, "format": "json", "maxwidth": 960})
    endpoint = provider["endpoint"]
    separator = "&" if "?" in endpoint else "?"
    body = fetch(f"{endpoint}{separator}{query}", settings.MAGAZINE_EMBED_MAX_BYTES)
    try:
        data = json.loads(body)
    except ValueError as error:
        raise EmbedError(f"{url}: the answer is not JSON") from error
    if not isinstance(data, dict):
        raise EmbedError(f"{url}: the answer is not an oEmbed object")
    return data


def _thumbnail(data, provider):
    """The thumbnail's bytes, when it comes from one of the provider's image hosts."""
    thumbnail_url = data.get("thumbnail_url")
    if not isinstance(thumbnail_url, str) or not thumbnail_url:
        return b""
    if not _matches(_host(thumbnail_url), provider.get("thumbnail_hosts", ())):
        logger.info("embed thumbnail from a host not allowed: %s", thumbnail_url)
        return b""
    try:
        return fetch(thumbnail_url, settings.MAGAZINE_EMBED_MAX_THUMBNAIL_BYTES)
    except EmbedError as error:
        logger.info("embed thumbnail not fetched: %s", error)
        return b""


def card_for(url):
    """The card for a link, from its provider's oEmbed data; None for a plain link."""
    found = provider_for(url)
    if found is None:
        return None
    name, provider = found
    try:
        data = _oembed(url, provider)
    except EmbedError as error:
        logger.warning("no embed card: %s", error)
        return None
    return Card(
        url=url,
        title=_text(data, "title") or url,
        provider=_text(data, "provider_name") or name,
        author=_text(data, "author_name"),
        thumbnail=_thumbnail(data, provider),
    )
