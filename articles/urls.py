from django.urls import path, register_converter

from . import converters
from .views import comments, ratings, reading, subscriptions

register_converter(converters.CategoryPathConverter, "category")

app_name = "articles"
urlpatterns = [
    path("", reading.HomeView.as_view(), name="home"),
    path("tag/<slug:slug>/", reading.TagView.as_view(), name="tag"),
    path("author/<slug:slug>/", reading.AuthorView.as_view(), name="author"),
    path("ratings/<int:article_id>/", ratings.rate, name="rate"),
    path("comments/<int:article_id>/", comments.all_comments, name="comments"),
    path("comments/<int:article_id>/post/", comments.post_comment, name="comment-post"),
    path("comments/reply/<int:comment_id>/", comments.reply, name="comment-reply"),
    path("comments/vote/<int:comment_id>/", comments.vote, name="comment-vote"),
    path("comments/edit/<int:comment_id>/", comments.edit, name="comment-edit"),
    path("comments/delete/<int:comment_id>/", comments.delete, name="comment-delete"),
    path("notify/<int:article_id>/", subscriptions.subscribe, name="subscribe"),
    path("notify/confirm/<str:signed>/", subscriptions.confirm, name="subscription-confirm"),
    path("notify/unsubscribe/<str:token>/", subscriptions.unsubscribe, name="unsubscribe"),
    path(
        "notify/unsubscribe/<str:token>/one-click/",
        subscriptions.unsubscribe_one_click,
        name="unsubscribe-one-click",
    ),
    path("notify/manage/<str:token>/", subscriptions.manage, name="subscriptions"),
    path("<category:category_path>/", reading.CategoryView.as_view(), name="category"),
    path(
        "<category:category_path>/<slug:slug>/",
        reading.ArticleDetailView.as_view(),
        name="detail",
    ),
]
