"""
Error reports to Sentry (or a self-hosted Sentry or GlitchTip, which take the same DSN),
switched on by SENTRY_DSN alone. Called from settings, before Django loads.

Readers' privacy first: no cookies, user ids or addresses (`send_default_pii=False`),
and no local variables (a view's locals hold what a reader typed) unless
SENTRY_LOCAL_VARIABLES is on.
"""

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration


def init_sentry(dsn, *, environment, release, traces_sample_rate, local_variables):
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        include_local_variables=local_variables,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration()],
    )
