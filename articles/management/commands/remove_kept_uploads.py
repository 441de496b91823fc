"""Remove images kept from failed form saves that nobody used within a day."""

from django.core.management.base import BaseCommand

from articles import images


class Command(BaseCommand):
    help = "Remove kept uploads older than a day (each new kept upload does it too)."

    def handle(self, *args, **options):
        removed = images.remove_abandoned_uploads()
        self.stdout.write(f"Removed {removed} abandoned upload(s).")
