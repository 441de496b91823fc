from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from articles import backups


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_db. SQLite: the database becomes exactly the "
        "backup. PostgreSQL: pg_restore --clean drops and recreates every object in the "
        "backup, in one transaction. Refuses a database that already has tables unless "
        "--force is given."
    )

    # A backup or a restore must work even while a system check fails.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="a backup written by backup_db")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--force",
            action="store_true",
            help="overwrite a database that already has tables",
        )

    def handle(self, *args, file, database, force, **options):
        try:
            backups.restore(file, using=database, force=force)
        except backups.BackupError as error:
            raise CommandError(error) from None
        name = connections[database].settings_dict["NAME"]
        self.stdout.write(f"Restored {file} into {name}.")
