from django import template

from ..forms.subscriptions import SubscribeForm

register = template.Library()


@register.inclusion_tag("articles/includes/subscribe.html", takes_context=True)
def subscribe_bar(context, article):
    """The "Notify of" form. The same for every anonymous reader, so cached pages may
    show it; a signed-in reader (whose pages are never cached) finds their address in it."""
    user = context.get("user")
    initial = {"email": user.email} if user is not None and user.is_authenticated else {}
    return {
        "article": article,
        "subscribe_form": SubscribeForm(initial=initial),
        "csrf_token": context.get("csrf_token"),
    }
