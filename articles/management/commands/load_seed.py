from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from articles import seed
from articles.models import Article


class Command(BaseCommand):
    help = "Load the seed story (World > Russia) unless it is already there."

    def handle(self, *args, **options):
        with transaction.atomic():
            seed.load_seed_story(apps)
            # Tags are attached after the story is saved: let search know them.
            Article.objects.filter(slug=seed.SLUG).refresh_search_text()
        self.stdout.write("Seed story present: " + seed.TITLE)
