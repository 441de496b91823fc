from django.urls import path, register_converter

from . import converters
from .views import reading, submissions

register_converter(converters.CategoryPathConverter, "category")

app_name = "articles"
urlpatterns = [
    path("", reading.HomeView.as_view(), name="home"),
    path("tag/<slug:slug>/", reading.TagView.as_view(), name="tag"),
    path("author/<slug:slug>/", reading.AuthorView.as_view(), name="author"),
    path("packs/", submissions.PackListView.as_view(), name="packs"),
    path("submit/", submissions.submit, name="submit"),
    path("submit/thanks/", submissions.submit_done, name="submit-done"),
    path("story/<slug:token>/", submissions.submission_status, name="submission-status"),
    path("story/<slug:token>/edit/", submissions.submission_edit, name="submission-edit"),
    path("<category:category_path>/", reading.CategoryView.as_view(), name="category"),
    path(
        "<category:category_path>/<slug:slug>/",
        reading.ArticleDetailView.as_view(),
        name="detail",
    ),
]
