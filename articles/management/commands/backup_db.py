from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from articles import backups


class Command(BaseCommand):
    help = (
        "Back up the database to FILE while the site keeps running: an SQLite online "
        "backup, or pg_dump's custom format for PostgreSQL. Media files are not included."
    )

    # A backup or a restore must work even while a system check fails.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the backup (replaced if it exists)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, file, database, **options):
        try:
            backups.backup(file, using=database)
        except backups.BackupError as error:
            raise CommandError(error) from None
        name = connections[database].settings_dict["NAME"]
        self.stdout.write(f"Backed up {name} to {file}.")
