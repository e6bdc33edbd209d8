"""Data every installation starts with: the role groups with their permissions, and a default rating scale.

Installed by migration 0002; tests that flush the database (transactional ones) install it again.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from claims.roles import sync_roles

# A scale close to the ones IFCN signatories use; admins can relabel, reorder or add to it.
DEFAULT_RATINGS = [
    ("True", "true", 1, 5, "Accurate, nothing significant missing.", "#15803d"),
    ("Mostly true", "mostly-true", 2, 4, "Accurate but needs clarification or more detail.", "#65a30d"),
    ("Half true", "half-true", 3, 3, "Partially accurate; leaves out important details.", "#ca8a04"),
    ("Mostly false", "mostly-false", 4, 2, "Contains an element of truth but ignores facts.", "#ea580c"),
    ("False", "false", 5, 1, "Not accurate.", "#dc2626"),
    ("Missing context", "missing-context", 6, None, "Misleading without more context.", "#7c3aed"),
    (
        "Unverifiable",
        "unverifiable",
        7,
        None,
        "Cannot be proven or disproven with the evidence available.",
        "#6b7280",
    ),
]


def install_defaults(apps=global_apps) -> None:
    """Idempotent. `apps` is the migration's historical registry, or the live one."""
    # Permissions are normally created after all migrations run; the groups need them now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
    Rating = apps.get_model("claims", "Rating")
    for label, slug, order, value, description, colour in DEFAULT_RATINGS:
        Rating.objects.get_or_create(
            slug=slug,
            defaults={
                "label": label,
                "order": order,
                "value": value,
                "description": description,
                "colour": colour,
            },
        )
