#
# Open Magazine behind Varnish 7.1 (`make serve-proxied`; README, "A cache in front").
#
# Kept: what the site says a shared cache may keep (Cache-Control "public", for
# s-maxage, else max-age) and names what it shows (X-Cache-Tags, e.g.
# "article:12 author:3 site": articles/edge.py). Everything else goes to the site.
# Readers with a cookie other than the CSRF one (a session, the reader token, messages,
# a chosen comment order) always reach the site: their pages are their own.
# Cleared: a BAN from an address in `purgers`, with the names that changed in
# X-Ban-Tags ("article:12|articles"), drops every kept page naming one of them. The
# ban tests only obj.http.*, so the ban lurker clears memory in the background.
#
vcl 4.1;

# `make serve-proxied` puts gunicorn's port here (INNER_PORT).
backend default {
    .host = "127.0.0.1";
    .port = "8001";
    .first_byte_timeout = 30s;
}

# Who may send BAN: the app servers (articles/edge.py sends from each of them).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed"));
        }
        if (req.http.X-Ban-Tags !~ "^[A-Za-z0-9_:-]+(\|[A-Za-z0-9_:-]+)*$") {
            return (synth(400, "X-Ban-Tags: names separated by |"));
        }
        # Tags are separated by spaces; the ban's argument may hold none, hence [[:space:]].
        ban("obj.http.X-Cache-Tags ~ (^|[[:space:]])(" + req.http.X-Ban-Tags + ")([[:space:]]|$)");
        return (synth(200, "Banned"));
    }
    # Only the site may say which of its pages are kept.
    unset req.http.X-Cache-Tags;
    if (req.http.Cookie) {
        # The CSRF cookie alone changes no page a shared cache may keep (the site's own
        # page cache reads it the same way): it is dropped; any other cookie passes.
        set req.http.X-Other-Cookies = regsuball(req.http.Cookie, "(^|;) *(__Host-)?csrftoken=[^;]*", "");
        if (req.http.X-Other-Cookies ~ "[^; ]") {
            unset req.http.X-Other-Cookies;
            return (pass);
        }
        unset req.http.X-Other-Cookies;
        unset req.http.Cookie;
    }
    # Varnish's built-in rules follow: only GET and HEAD are looked up, no Authorization.
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.http.Cache-Control !~ "(?i)(^|[ ,])public([ ,]|$)"
        || !beresp.http.X-Cache-Tags
        || beresp.http.Set-Cookie) {
        # Not ours to keep; asked again for two minutes without waiting on each other.
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # Cache-Control's s-maxage (else max-age) is the TTL; the built-in rules follow.
}

sub vcl_deliver {
    # The names are for bans only: readers never see them.
    unset resp.http.X-Cache-Tags;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
