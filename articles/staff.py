"""A new staff member in one step: the account, the newsroom group, the byline and the
invitation to set a password.

The account gets no usable password: the invitation (queued through the outbox) carries
Django's password-reset link (`PasswordResetConfirmView`, in magazine/urls.py), which
sets one; the link works until the password is set, or for PASSWORD_RESET_TIMEOUT. At
the first sign-in the admin asks for the second factor as it does of all staff
(`articles.two_factor`).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from . import pagecache, roles
from .models import Author, Comment, OutgoingMail, SiteSettings
from .tasks import queue_email, render_email

LINK_AGAIN_AFTER = timedelta(minutes=1)

GROUPS = (
    (roles.WRITERS, "Writer: writes stories and sends them for review"),
    (roles.EDITORS, "Editor: edits, schedules and publishes every story"),
)


def email_taken(email):
    """Whether an account signs in with, or is reached at, this address already."""
    User = get_user_model()
    return User.objects.filter(email__iexact=email).exists() or (
        User.objects.filter(username__iexact=email).exists()
    )


def unique_author_slug(name):
    """The byline's address, from its name: "ann-lee", then "ann-lee-2"..."""
    base = slugify(name)[:140] or "author"
    slug, n = base, 1
    while Author.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def add_staff_member(author, *, full_name, email, group, by=None):
    """Create the staff account behind `author` (an unsaved byline: name, bio, avatar),
    put it in `group` and mail the invitation. Returns the user."""
    User = get_user_model()
    first_name, _, last_name = full_name.strip().rpartition(" ")
    with transaction.atomic():
        user = User(
            username=email,
            email=email,
            first_name=(first_name or last_name)[:150],
            last_name=(last_name if first_name else "")[:150],
            is_staff=True,
        )
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=group))
        author.user = user
        author.slug = unique_author_slug(author.name)
        author.save()
        send_invitation(user, by)
    return user


def invitation_link(user):
    """The address where `user` sets their password (a password-reset token)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.MAGAZINE_SITE_URL.rstrip("/") + path


def _mail_password_link(user, template, subject, kind, **context):
    """Mail `user` a link that sets their password, unless one went in the last
    `LINK_AGAIN_AFTER`: a double click sends one mail even when its second click makes
    another link (a token names the second it was made), and asking again later, when
    the first mail never came, sends a new one. The account's row is locked meanwhile,
    so two clicks at once cannot both find no mail."""
    key_prefix = f"{kind}:{user.pk}:"
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        sent_lately = OutgoingMail.objects.filter(
            key__startswith=key_prefix, created_at__gt=timezone.now() - LINK_AGAIN_AFTER
        )
        if not sent_lately.exists():
            _queue_password_link(user, template, subject, key_prefix, context)


def _queue_password_link(user, template, subject, key_prefix, context):
    link = invitation_link(user)
    site_name = SiteSettings.load().site_name
    text, html = render_email(
        template,
        {
            "user": user,
            "link": link,
            "link_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "site_name": site_name,
            **context,
        },
    )
    token = link.rstrip("/").rsplit("/", 1)[-1]
    queue_email(
        user.email, subject.format(site_name=site_name), text, html=html,
        key=key_prefix + token,
    )  # fmt: skip


def send_password_reset(email):
    """Mail a new-password link to the active staff account with this address, if any.

    The answer on the page is the same either way, so the form tells no outsider who
    works here. The link is the invitation's (`invitation_link`): one use, and it ends
    when the password changes or after PASSWORD_RESET_TIMEOUT.
    """
    accounts = get_user_model().objects.filter(
        email__iexact=email.strip(), is_active=True, is_staff=True
    )
    for user in accounts:
        _mail_password_link(
            user, "articles/email/password_reset", "{site_name}: a new password", "password-reset"
        )


def send_invitation(user, by=None):
    _mail_password_link(
        user,
        "articles/email/staff_invitation",
        "Welcome to {site_name}: set your password",
        "staff-invitation",
        by=by,
        sign_in_url=settings.MAGAZINE_SITE_URL.rstrip("/") + reverse("admin:index"),
    )


def account_changed(user):
    """Re-render the pages showing `user`'s comments, once the change commits: the mark
    by their name ("staff") comes from their account (`Comment.newsroom_role`), which
    no page names. Called before the account is deleted too, while its comments still
    point at it. Roles change rarely; the articles they commented on are one query."""
    commented = Comment.objects.filter(user=user).values_list("article_id", flat=True)
    pagecache.invalidate(*map(pagecache.article_page, set(commented)))
