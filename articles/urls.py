from django.urls import path, register_converter

from . import converters
from .views import ratings, reading

register_converter(converters.CategoryPathConverter, "category")

app_name = "articles"
urlpatterns = [
    path("", reading.HomeView.as_view(), name="home"),
    path("tag/<slug:slug>/", reading.TagView.as_view(), name="tag"),
    path("author/<slug:slug>/", reading.AuthorView.as_view(), name="author"),
    path("ratings/<int:article_id>/", ratings.rate, name="rate"),
    path("<category:category_path>/", reading.CategoryView.as_view(), name="category"),
    path(
        "<category:category_path>/<slug:slug>/",
        reading.ArticleDetailView.as_view(),
        name="detail",
    ),
]
