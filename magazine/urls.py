from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Open Magazine"
admin.site.site_title = "Open Magazine admin"
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns

handler404 = "articles.views.pages.page_not_found"
handler500 = "articles.views.pages.server_error"
