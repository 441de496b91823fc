"""
Newsroom roles. Editors do everything, publishing included; writers write and
edit their own drafts and send them for review. The groups are created by a
data migration (`sync_roles`), and the rules are enforced in `ArticleAdmin`.
Who may read an unpublished article (its writer and the editors) is
`Article.objects.visible_to()`.
"""

from django.contrib.auth.management import create_permissions

EDITORS = "Editors"
WRITERS = "Writers"
PUBLISH_PERMISSION = "articles.publish_article"

ROLE_PERMISSIONS = {
    EDITORS: {
        "articles": "__all__",
        "taggit": "__all__",
    },
    WRITERS: {
        "articles": ["add_article", "change_article", "view_article", "view_category",
                     "view_author", "view_agency",
                     # The library: all may use it; change and delete only their own
                     # uploads, as WordPress's authors (`MediaImageAdmin`).
                     "add_mediaimage", "change_mediaimage", "delete_mediaimage",
                     "view_mediaimage",
                     # Preview links to their own drafts (`articles.previews`);
                     # revoking is a change; deleting a link's record is the editors'.
                     "add_previewlink", "change_previewlink", "view_previewlink"],
        "taggit": ["add_tag", "view_tag"],
    },
}  # fmt: skip


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def can_edit_image(user, image):
    """Editors edit every library image; writers those they uploaded."""
    return can_publish(user) or (
        image.uploaded_by_id is not None and image.uploaded_by_id == user.pk
    )


def sync_roles(apps, schema_editor=None):
    """Create the groups and give them exactly their permissions (a migration step)."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, apps_codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        permissions = []
        for app_label, codenames in apps_codenames.items():
            in_app = Permission.objects.filter(content_type__app_label=app_label)
            if codenames != "__all__":
                in_app = in_app.filter(codename__in=codenames)
            permissions += list(in_app)
        group.permissions.set(permissions)
