"""“People on this story” on the article form: the staff who see it while it is
unpublished, beside its byline and its creator (`ArticleQuerySet.visible_to`).

Only editors add or remove people. Widening an embargo is the desk's call, as who is
read into an embargoed story is in a newsroom: a writer on the story sees who else is
on it, and asks an editor to bring a colleague in.
"""

from django.contrib import admin
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT

from .. import roles
from ..models import StoryMember


class StoryMemberInline(admin.TabularInline):
    model = StoryMember
    extra = 0
    fields = ("user", "added_by", "added_at")
    readonly_fields = ("added_by", "added_at")
    verbose_name = "person on this story"
    verbose_name_plural = "People on this story"

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request, obj=None):
        return roles.can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        return roles.can_publish(request.user)

    def has_delete_permission(self, request, obj=None):
        return roles.can_publish(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = db_field.related_model.objects.filter(
                is_staff=True, is_active=True
            ).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        """Each person added is stamped with who added them."""
        formset = super().get_formset(request, obj, **kwargs)

        class StampedFormSet(formset):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                total = f"{self.prefix}-{TOTAL_FORM_COUNT}"
                if self.is_bound and total not in self.data:
                    # A form posted without this section (a script, a page opened
                    # before it existed) changes nobody on the story.
                    self.data = self.data.copy()
                    self.data.update({total: "0", f"{self.prefix}-{INITIAL_FORM_COUNT}": "0"})

            def save_new(self, form, commit=True):
                form.instance.added_by = request.user
                return super().save_new(form, commit)

        return StampedFormSet
