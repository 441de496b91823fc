"""
Email subscriptions: the "Notify of" form, and the pages behind the links in
our emails (confirm, unsubscribe, manage). No GET changes anything (mail
scanners follow links): each page has one button that POSTs. The one exception
to CSRF is the RFC 8058 one-click endpoint, authenticated by its secret token.
"""

from django.contrib import messages
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from magazine.csrf import with_form_page

from .. import subscriptions
from ..forms.security import not_checked
from ..forms.subscriptions import SubscribeForm
from ..models import Article, Subscription
from ..readers import client_ip_hash, get_reader

SENT = (
    "Thank you. We have emailed {email} about these notifications: if they are new, "
    "the email has a link to confirm them. Nothing is sent before you confirm."
)
SUBSCRIBED = "Done: we will email {email} about {what}."


def _article_or_none(article_id):
    return Article.objects.published().select_related("category").filter(pk=article_id).first()


def _form_page(request, article, form, message="", status=200):
    context = {"article": article, "subscribe_form": form, "form_message": message}
    return render(request, "articles/subscription_form.html", context, status=status)


def form_page(request, article_id):
    """A subscription whose origin could not be checked: the form as it was sent, with a
    token to send it again."""
    article = _article_or_none(article_id)
    if article is None:
        return _action_page(request, "No such article", 404, "There is no article to follow here.")
    message = not_checked("your subscription", "What you typed")
    return _form_page(request, article, SubscribeForm(request.POST), message, status=403)


@with_form_page(form_page)
def subscribe(request, article_id):
    """The "Notify of" form: the same answer for a known and an unknown address."""
    article = _article_or_none(article_id)
    if article is None:
        return _action_page(request, "No such article", 404, "There is no article to follow here.")
    if request.method != "POST":
        return _form_page(request, article, SubscribeForm())
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        errors = form.non_field_errors()
        message = errors[0] if errors else "Nothing was subscribed: check the fields below."
        return _form_page(request, article, form, message, status=400)
    email = form.cleaned_data["email"]
    if not subscriptions.request_allowed(client_ip_hash(request), email):
        response = _form_page(
            request,
            article,
            form,
            "That is a lot of subscribe requests. Please wait an hour and try again.",
            status=429,
        )
        response["Retry-After"] = str(subscriptions.ADDRESS_RULE.period)
        return response
    reader = get_reader(request)
    subscription = subscriptions.subscribe(
        email, form.cleaned_data["kind"], article, user=reader.user
    )
    if subscriptions.is_verified(reader.user, email):
        messages.success(request, SUBSCRIBED.format(email=email, what=subscription.description))
    else:
        messages.success(request, SENT.format(email=email))
    return redirect(article.get_absolute_url())  # the message shows at the top


def _private(response):
    """Pages reached by a secret link: the link must not leak in a Referer header.

    Not "no-referrer": browsers then send `Origin: null` with the page's own POST
    button, and Django's CSRF check refuses it (403).
    """
    response["Referrer-Policy"] = "same-origin"
    return response


def _action_page(request, heading, status=200, form_message="", **context):
    context |= {"heading": heading, "form_message": form_message}
    return _private(render(request, "articles/subscription_action.html", context, status=status))


def _manage_url(subscription):
    return reverse("articles:subscriptions", args=[subscription.token])


NOT_FOUND = "This link is not valid any more: the subscription may have been erased."


def confirm(request, signed):
    """The link in a confirmation email: a page whose button confirms."""
    try:
        subscription = subscriptions.from_confirm_token(signed)
    except signing.SignatureExpired:
        days = subscriptions.CONFIRM_MAX_AGE.days
        message = (
            f"This confirmation link has expired (links work for {days} days). "
            "Subscribe again from the article to get a new one."
        )
        return _action_page(request, "Link expired", 400, message)
    except signing.BadSignature:
        return _action_page(request, "Link not valid", 400, "This confirmation link is not valid.")
    if subscription is None:
        return _action_page(request, "Link not valid", 404, NOT_FOUND)
    context = {"subscription": subscription, "manage_url": _manage_url(subscription)}
    if request.method == "POST":
        subscriptions.confirm(subscription)
        done = f"Confirmed: we will email you about {subscription.description}."
        return _action_page(request, "Notifications confirmed", done_message=done, **context)
    return _action_page(request, "Confirm notifications", button="Confirm", **context)


def _by_token(token):
    return Subscription.objects.select_related("article__category").filter(token=token).first()


def unsubscribe(request, token):
    """The link in every notification: a page with one button."""
    subscription = _by_token(token)
    if subscription is None:
        return _action_page(request, "Link not valid", 404, NOT_FOUND)
    context = {"subscription": subscription, "manage_url": _manage_url(subscription)}
    if request.method == "POST":
        subscriptions.unsubscribe(Subscription.objects.filter(pk=subscription.pk))
        done = f"Unsubscribed: we will not email you about {subscription.description} again."
        return _action_page(request, "Unsubscribed", done_message=done, **context)
    return _action_page(request, "Unsubscribe", button="Unsubscribe", **context)


@csrf_exempt  # RFC 8058: mail clients POST here without a CSRF token; the token is the key.
def unsubscribe_one_click(request, token):
    """The List-Unsubscribe URL: a POST unsubscribes at once; a GET shows the button page."""
    if request.method != "POST":
        return unsubscribe(request, token)
    subscription = _by_token(token)
    if subscription is None:
        return HttpResponse(NOT_FOUND, status=404, content_type="text/plain; charset=utf-8")
    subscriptions.unsubscribe(Subscription.objects.filter(pk=subscription.pk))
    return HttpResponse("Unsubscribed.", content_type="text/plain; charset=utf-8")


def manage(request, token):
    """Every subscription of the address behind a link, each with a button to stop it."""
    subscription = _by_token(token)
    if subscription is None:
        return _action_page(request, "Link not valid", 404, NOT_FOUND)
    current = (
        Subscription.objects.for_email(subscription.email)
        .filter(unsubscribed_at__isnull=True)
        .select_related("article__category")
        .order_by("-created_at", "-pk")
    )
    if request.method == "POST":
        drop = request.POST.get("drop", "")
        chosen = current if drop == "all" else current.filter(pk=drop if drop.isdigit() else None)
        stopped = subscriptions.unsubscribe(chosen)
        messages.success(request, f"{stopped} notification(s) stopped.")
        return redirect(request.path)
    context = {"email": subscription.email, "subscriptions": list(current)}
    return _private(render(request, "articles/subscription_list.html", context))
