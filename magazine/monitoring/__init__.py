"""
Running the magazine in production: health and readiness probes, Prometheus metrics,
server errors that reach someone (Sentry, or the admins' mailboxes through the outbox),
the mail worker's heartbeat, and the admin's notice when mail is not being sent.

Probes and metrics are answered before the site's own middleware (`middleware.py`), so
a load balancer probing by address needs no allowed host, no HTTPS, no session.
"""
