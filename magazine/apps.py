from django.contrib.admin.apps import AdminConfig


class MagazineAdminConfig(AdminConfig):
    """The admin, on our site class (which guards the login form)."""

    default_site = "articles.admin_site.MagazineAdminSite"
