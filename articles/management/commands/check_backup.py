from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from articles import backup_sets
from articles.backups import BackupError


class Command(BaseCommand):
    help = (
        "Restore the newest backup of --dir (or FOLDER) into a scratch database, compare "
        "its rows per table with what the backup recorded, and read the media archive. "
        "Exits with an error saying what is wrong; run it after each backup."
    )

    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", help="a backup folder (default: the newest)")
        parser.add_argument("--dir", default=None, help="where `backup` writes its folders")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, folder, dir, database, **options):
        if folder is None:
            directory = dir or settings.MAGAZINE_BACKUP_DIR
            found = backup_sets.completed_backups(directory)
            if not found:
                raise CommandError(f"There is no backup in {directory}: run `make backup`.")
            folder = found[-1]
        try:
            report = backup_sets.check_backup(folder, using=database)
        except BackupError as error:
            raise CommandError(f"Backup check failed: {error}") from None
        rows = sum(report.rows.values())
        media = (
            " and no media (backed up with --no-media)"
            if report.media_files is None
            else f" and {report.media_files} media files"
        )
        self.stdout.write(
            f"{report.folder} restores: {rows} rows in {len(report.rows)} tables{media}, "
            "as when it was made."
        )
