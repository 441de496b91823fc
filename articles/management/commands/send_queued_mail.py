"""Enqueue every outbox mail that waits for a (re)try: for a task backend that cannot
defer (the immediate one), or after a crash between a commit and its enqueue."""

from django.core.management.base import BaseCommand

from articles import tasks
from articles.models import OutgoingMail


class Command(BaseCommand):
    help = "Send the queued mails whose time has come (see articles/tasks.py)."

    def handle(self, *args, **options):
        due = list(OutgoingMail.objects.due().values_list("pk", flat=True))
        for pk in due:
            tasks.send_email.enqueue(pk)
        self.stdout.write(f"{len(due)} mail(s) enqueued.")
