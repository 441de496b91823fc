from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles.views.media import serve_media

urlpatterns = [
    path("admin/", admin.site.urls),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"),
    path("", include("articles.urls")),
]

handler404 = "articles.views.pages.page_not_found"
handler500 = "articles.views.pages.server_error"
