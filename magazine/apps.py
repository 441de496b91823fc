from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class MagazineAdminConfig(AdminConfig):
    """The admin, on our site class (which guards the login form)."""

    default_site = "articles.admin_site.MagazineAdminSite"


class MagazineConfig(AppConfig):
    """The project itself, for what every app shares (its database connections)."""

    name = "magazine"

    def ready(self):
        from . import sqlite  # noqa: F401  (connects the receiver)
