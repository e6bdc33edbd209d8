from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims and verdicts"

    def ready(self):
        from claims import key_cache  # noqa: F401  (connects the receivers that drop changed keys' rows)
