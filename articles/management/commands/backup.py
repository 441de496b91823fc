from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from articles import backup_sets
from articles.backups import BackupError


class Command(BaseCommand):
    help = (
        "Back up the database and the media files into a new dated folder of --dir "
        "(MAGAZINE_BACKUP_DIR), then keep only the newest --keep (MAGAZINE_BACKUP_KEEP) "
        "folders. Run it from cron or a systemd timer (README, Operations); prove the "
        "newest restores with check_backup."
    )

    # A backup must work even while a system check fails.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, help="where the dated folders go")
        parser.add_argument("--keep", type=int, default=None, help="how many folders to keep")
        parser.add_argument("--no-media", action="store_true", help="the database only")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, dir, keep, no_media, database, **options):
        directory = dir or settings.MAGAZINE_BACKUP_DIR
        keep = settings.MAGAZINE_BACKUP_KEEP if keep is None else keep
        if keep < 1:
            raise CommandError("--keep must be at least 1.")
        try:
            folder, removed = backup_sets.make_backup(
                directory, keep, media=not no_media, using=database
            )
        except BackupError as error:
            raise CommandError(error) from None
        self.stdout.write(f"Backed up to {folder}.")
        if removed:
            names = ", ".join(path.name for path in removed)
            self.stdout.write(f"Removed {len(removed)} older backup(s), keeping {keep}: {names}.")
