from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from articles.admin.password_reset import StaffPasswordResetDoneView, StaffPasswordResetView
from articles.views.media import serve_media

urlpatterns = [
    # A new staff member's invitation sets their first password here (`articles.staff`);
    # before the admin's, whose catch-all answers every other /admin/ address.
    path(
        "admin/password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="admin/staff_password_set.html",
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "admin/password/set/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # "Forgotten your password?" on the sign-in page: the link it mails leads to the page above.
    path("admin/password/reset/", StaffPasswordResetView.as_view(), name="admin_password_reset"),
    path(
        "admin/password/reset/sent/",
        StaffPasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path("admin/", admin.site.urls),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"),
    path("", include("articles.urls")),
]

handler404 = "articles.views.pages.page_not_found"
handler500 = "articles.views.pages.server_error"
