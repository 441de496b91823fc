import io
import time

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from articles import antispam, roles
from articles.models import Article, Author, Category, Comment, Pack, Submission


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


def make_staff(role, totp=False, **kwargs):
    """A staff user in the Editors or Writers group, as the migration sets them up;
    with `totp`, enrolled in two-factor sign-in (see `give_totp_device`)."""
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=role))
    if totp:
        give_totp_device(user)
    return user


def make_editor(totp=True, **kwargs):
    """An editor, enrolled in two-factor sign-in as every editor must be."""
    return make_staff(roles.EDITORS, totp=totp, **kwargs)


def make_writer(totp=False, **kwargs):
    return make_staff(roles.WRITERS, totp=totp, **kwargs)


def give_totp_device(user):
    """A confirmed authenticator app for `user`; its `bin_key` makes the codes."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"author-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Story number {n}")
    standfirst = "A short summary."
    body = "<p>First paragraph.</p><p>Second paragraph.</p>"
    category = factory.SubFactory(CategoryFactory)
    author = factory.SubFactory(AuthorFactory)
    status = Article.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)
            Article.objects.filter(pk=self.pk).refresh_search_text()


def image_upload(name="photo.jpg", size=(1600, 900), fmt="JPEG", **save_kwargs):
    """A real image file as a browser would upload it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(buffer, format=fmt, **save_kwargs)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}.get(
        fmt, "application/octet-stream"
    )
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved comment (counted on its article, as moderation would)."""

    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    name = factory.Faker("first_name")
    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    body = factory.Sequence(lambda n: f"Comment number {n}.")
    status = Comment.Status.APPROVED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        comment = super()._create(model_class, *args, **kwargs)
        if comment.is_approved:
            Article.objects.filter(pk=comment.article_id).update(
                comment_count=F("comment_count") + 1
            )
        return comment


def article_admin_data(article, **changes):
    """What the admin's change form posts for an existing article, with `changes`."""
    publish_at = timezone.localtime(article.publish_at) if article.publish_at else None
    data = {
        "title": article.title,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "category": article.category_id,
        "author": article.author_id,
        "tags": ", ".join(f'"{t}"' for t in article.tags.names()),
        "status": article.status,
        "publish_at_0": publish_at.strftime("%Y-%m-%d") if publish_at else "",
        "publish_at_1": publish_at.strftime("%H:%M:%S") if publish_at else "",
        "image_alt": article.image_alt,
        "image_caption": article.image_caption,
        "image_credit": article.image_credit,
        "seo_title": article.seo_title,
        "meta_description": article.meta_description,
        "comments_enabled": "on" if article.comments_enabled else "",
        "rating_enabled": "on" if article.rating_enabled else "",
        # The inline feedback questions' formset (none here).
        "feedback_questions-TOTAL_FORMS": "0",
        "feedback_questions-INITIAL_FORMS": "0",
    }
    return data | changes


def new_article_admin_data(**overrides):
    """What the admin's add form posts for a new draft in World > Russia, no byline."""
    data = {
        "title": "A new story",
        "slug": "a-new-story",
        "standfirst": "",
        "body": "<p>Text.</p>",
        "category": Category.objects.get(path="world/russia").pk,
        "author": "",
        "tags": "",
        "status": "draft",
        "image_alt": "",
        "image_caption": "",
        "image_credit": "",
        "seo_title": "",
        "meta_description": "",
        "comments_enabled": "on",
        "rating_enabled": "on",
        "publish_at_0": "",
        "publish_at_1": "",
        "feedback_questions-TOTAL_FORMS": "0",
        "feedback_questions-INITIAL_FORMS": "0",
    }
    return data | overrides


class PackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pack

    name = factory.Sequence(lambda n: f"Pack {n}")
    slug = factory.Sequence(lambda n: f"pack-{n}")
    description = "A way to publish."


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    name = "Ada Contributor"
    email = factory.Sequence(lambda n: f"ada{n}@example.com")
    title = factory.Sequence(lambda n: f"My story {n}")
    story = "First paragraph.\n\nSecond paragraph."
    category = factory.LazyFunction(lambda: Category.objects.get(path="world/russia"))
    pack = factory.LazyFunction(lambda: Pack.objects.get(slug="single-story"))
    form_token = factory.Sequence(lambda n: f"form-token-{n}")
    rights_confirmed_at = factory.LazyFunction(timezone.now)


def started_token(seconds_ago=60):
    """The spam guard's signed timestamp, as if the form page was opened a while ago."""

    class PastSigner(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - seconds_ago)

    return PastSigner(salt=antispam.TIMESTAMP_SALT).sign("form")
