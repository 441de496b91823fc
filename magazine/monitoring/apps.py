from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Probes, metrics, error reports and the mail worker's heartbeat."""

    name = "magazine.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"
    default_auto_field = "django.db.models.BigAutoField"
