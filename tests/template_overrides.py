"""Public templates (jinja2/) changed for one test, as a deploy would change them."""

import shutil

from django.conf import settings as django_settings

from articles import fragments

PUBLIC_TEMPLATES = django_settings.BASE_DIR / "jinja2"


def change_template(settings, tmp_path, name, old, new):
    """Serve `name` (e.g. "articles/includes/comments.html") from a copy in `tmp_path`,
    placed before jinja2/, with `old` (found once) replaced by `new`; several changes,
    also to several templates, add up. The template engines are built anew (Django
    resets them when TEMPLATES changes) and the templates' stamp read again, as after
    a deploy's restart."""
    copy = tmp_path / name
    if not copy.exists():
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PUBLIC_TEMPLATES / name, copy)
    source = copy.read_text()
    assert source.count(old) == 1, old
    copy.write_text(source.replace(old, new))
    jinja2, *others = settings.TEMPLATES
    dirs = [tmp_path, *(d for d in jinja2["DIRS"] if d != tmp_path)]
    settings.TEMPLATES = [{**jinja2, "DIRS": dirs}, *others]
    fragments._deployed_sources_hash.cache_clear()
