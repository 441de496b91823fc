from .models import Category


class CategoryPathConverter:
    """Matches only paths of existing categories, such as `world/russia`.

    Categories live at the root of the site, so this is what lets
    `/world/russia/` be a category and `/world/russia/<slug>/` an article.
    """

    regex = r"[-a-z0-9_]+(?:/[-a-z0-9_]+)*"

    def to_python(self, value):
        if value not in Category.objects.known_paths():
            raise ValueError(value)
        return value

    def to_url(self, value):
        return value
