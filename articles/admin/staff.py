"""Adding a staff member: the account, its group, its byline and the invitation on one
screen (`articles.staff`). It is the Users list's "Add", so the admin index and the list
lead to it; only superusers and those who may add users use it."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from .. import staff
from ..forms.staff import StaffMemberForm

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Django's user admin, whose “Add” makes a whole staff member."""

    actions = ("send_new_invitation",)

    @admin.action(description="Send a new invitation to set a password", permissions=("change",))
    def send_new_invitation(self, request, queryset):
        waiting = [u for u in queryset if u.is_active and u.email and not u.has_usable_password()]
        for user in waiting:
            staff.send_invitation(user, by=request.user)
        self.message_user(
            request,
            f"Sent {len(waiting)} new invitation{'s' if len(waiting) != 1 else ''}. "
            "Only active accounts with an address that have not set a password get one.",
        )

    # A role given or taken changes the mark by the person's comments (`staff.account_changed`).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        staff.account_changed(obj)

    def delete_model(self, request, obj):
        staff.account_changed(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            staff.account_changed(user)
        super().delete_queryset(request, queryset)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StaffMemberForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            user = staff.add_staff_member(
                form.save(commit=False),
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                group=form.cleaned_data["group"],
                by=request.user,
            )
            form.discard_kept_uploads()  # stored for good now
            self.message_user(
                request,
                f"Added {user.get_full_name()} ({form.cleaned_data['group'][:-1].lower()}), "
                f"bylined “{user.author_profile.name}”. An email to {user.email} asks them "
                "to set a password.",
                messages.SUCCESS,
            )
            if self.has_view_or_change_permission(request):
                return redirect("admin:auth_user_changelist")
            return redirect("admin:index")
        context = {
            **self.admin_site.each_context(request),
            "title": "Add a staff member",
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "sections": (
                ("Account", [form[name] for name in ("full_name", "email", "group")]),
                ("Byline", [form[name] for name in ("name", "bio", "avatar")]),
            ),
            "media": self.media + form.media,
            "has_view_permission": self.has_view_permission(request),
            **(extra_context or {}),
        }
        status = 400 if form.errors else 200
        return TemplateResponse(
            request, "admin/auth/user/add_staff_member.html", context, status=status
        )
