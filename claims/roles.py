"""The three roles, as groups. A migration creates them; `sync_roles` keeps them in step."""

REVIEWER = "reviewer"
EDITOR = "editor"
ADMIN = "admin"

_REVIEWER_PERMISSIONS = [
    "view_article",
    "add_article",
    "view_claim",
    "add_claim",
    "change_claim",
    "view_source",
    "add_source",
    "change_source",
    "view_evidence",
    "add_evidence",
    "change_evidence",
    "delete_evidence",
    "view_verdict",
    "add_verdict",
    "change_verdict",
    "view_rating",
    "view_comment",
    "add_comment",
    "view_ingestionjob",
    "add_ingestionjob",
    "view_feed",
]
_EDITOR_PERMISSIONS = [
    *_REVIEWER_PERMISSIONS,
    "change_article",
    "approve_verdict",
    "export_reports",
    "add_feed",
    "change_feed",
    "import_factchecks",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    REVIEWER: _REVIEWER_PERMISSIONS,
    EDITOR: _EDITOR_PERMISSIONS,
    ADMIN: [
        *_EDITOR_PERMISSIONS,
        "add_rating",
        "change_rating",
        "delete_rating",
        "delete_claim",
        "delete_article",
        "delete_comment",
        "delete_source",
        "delete_feed",
        "view_partner",
        "add_partner",
        "change_partner",
        "view_partnerapikey",
        "add_partnerapikey",
        "change_partnerapikey",
    ],
}


def sync_roles(group_model, permission_model) -> None:
    """Create the role groups and give each exactly its permissions (models passed in for migrations)."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        permissions = permission_model.objects.filter(
            content_type__app_label="claims", codename__in=codenames
        )
        group.permissions.set(permissions)
