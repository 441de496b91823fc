from django import template

from ..models import Comment

register = template.Library()


@register.simple_tag
def pending_comment_count():
    """How many comments wait in the moderation queue (for the admin index)."""
    return Comment.objects.pending().count()
