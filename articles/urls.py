from django.urls import path, register_converter

from . import converters, feeds, sitemaps
from .views import (
    beacon,
    comment_votes,
    comments,
    corrections,
    discovery,
    inline,
    previews,
    ratings,
    reading,
    reports,
    stamps,
    submissions,
    subscriptions,
)

register_converter(converters.CategoryPathConverter, "category")

app_name = "articles"
urlpatterns = [
    path("", reading.HomeView.as_view(), name="home"),
    path("tag/<slug:slug>/", reading.TagView.as_view(), name="tag"),
    path("author/<slug:slug>/", reading.AuthorView.as_view(), name="author"),
    path("forms/stamp/", stamps.form_stamp, name="form-stamp"),
    path("read/<int:article_id>/", beacon.count_view, name="beacon"),
    path("packs/", submissions.PackListView.as_view(), name="packs"),
    path("submit/", submissions.submit, name="submit"),
    path("submit/thanks/", submissions.submit_done, name="submit-done"),
    path("story/<slug:token>/", submissions.submission_status, name="submission-status"),
    path("story/<slug:token>/edit/", submissions.submission_edit, name="submission-edit"),
    path("ratings/<int:article_id>/", ratings.rate, name="rate"),
    path("ratings/<int:article_id>/confirm/", ratings.confirm, name="rate-confirm"),
    path("comments/<int:article_id>/", comments.all_comments, name="comments"),
    path("comments/<int:article_id>/post/", comments.post_comment, name="comment-post"),
    path("comments/reply/<int:comment_id>/", comments.reply, name="comment-reply"),
    path("comments/vote/<int:comment_id>/", comment_votes.vote, name="comment-vote"),
    path(
        "comments/vote/<int:comment_id>/confirm/",
        comment_votes.confirm_vote,
        name="comment-vote-confirm",
    ),
    path(
        "comments/<int:article_id>/report/<int:comment_id>/",
        reports.report,
        name="comment-report",
    ),
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
    path("comments/<int:article_id>/passage/<slug:block_id>/", inline.passage, name="passage"),
    path("preview/<int:pk>/", previews.ArticlePreviewView.as_view(), name="preview"),
    path("search/", discovery.SearchView.as_view(), name="search"),
    path("corrections/", corrections.CorrectionListView.as_view(), name="corrections"),
    path("corrections/feed/", feeds.CorrectionsFeed(), name="corrections-feed"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path("feeds/tag/<slug:slug>/", feeds.TagFeed(), name="tag-feed"),
    path("feeds/tag/<slug:slug>/atom/", feeds.TagAtomFeed(), name="tag-feed-atom"),
    path("feeds/author/<slug:slug>/", feeds.AuthorFeed(), name="author-feed"),
    path("feeds/author/<slug:slug>/atom/", feeds.AuthorAtomFeed(), name="author-feed-atom"),
    path("feeds/section/<category:category_path>/", feeds.SectionFeed(), name="section-feed"),
    path(
        "feeds/section/<category:category_path>/atom/",
        feeds.SectionAtomFeed(),
        name="section-feed-atom",
    ),
    path("feeds/comments/<int:article_id>/", feeds.ArticleCommentsFeed(), name="comments-feed"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("robots.txt", discovery.RobotsView.as_view(), name="robots"),
    # Categories live at the site's root: these two patterns must stay last.
    path("<category:category_path>/", reading.CategoryView.as_view(), name="category"),
    path(
        "<category:category_path>/<slug:slug>/",
        reading.ArticleDetailView.as_view(),
        name="detail",
    ),
]
