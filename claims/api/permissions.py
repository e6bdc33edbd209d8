"""Scopes: what a key may do, and what a signed-in person may do through the same endpoints.

A view names the scope each action needs in `required_scopes` (action → scope); otherwise safe methods need
`read` and the others `write`. A partner's key must carry the scope; a person signed in to the workbench
needs the Django permission of their role that matches it.
"""

from rest_framework import permissions

from claims import roles
from claims.choices import ApiScope
from claims.models import PartnerAPIKey

# The role permission that stands for each scope when a person (not a key) calls the API.
SCOPE_PERMISSIONS = {
    ApiScope.READ: "claims.view_claim",
    ApiScope.WRITE: "claims.change_claim",
    ApiScope.PUBLISH: "claims.approve_verdict",
}


_REVIEWER = frozenset(f"claims.{codename}" for codename in roles.ROLE_PERMISSIONS[roles.REVIEWER])
# The role permissions a key's scopes stand for, when a service checks the acting account's permissions.
SCOPE_ROLE_PERMISSIONS = {
    ApiScope.READ: frozenset(p for p in _REVIEWER if p.startswith("claims.view_")),
    ApiScope.WRITE: _REVIEWER,
    ApiScope.PUBLISH: frozenset({"claims.approve_verdict"}),
}


def grant_scopes(account, scopes) -> None:
    """For this request, a partner's account holds the role permissions its key's scopes stand for.

    The account has no role of its own; the services check people's role permissions (`has_perm`), and this
    makes them read the key's scopes. It fills the per-object permission cache of Django's ModelBackend on
    this user object only: nothing is stored. The scope itself is checked at the door (HasScope), and the
    services' other rules (nobody approves their own verdict) still apply.
    """
    account._perm_cache = set().union(*(SCOPE_ROLE_PERMISSIONS.get(s, frozenset()) for s in scopes))
    account._user_perm_cache = set(account._perm_cache)
    account._group_perm_cache = set()


def required_scope(request, view) -> str:
    scopes = getattr(view, "required_scopes", {})
    action = getattr(view, "action", None)
    if action in scopes:
        return scopes[action]
    return ApiScope.READ if request.method in permissions.SAFE_METHODS else ApiScope.WRITE


def api_key_of(request) -> PartnerAPIKey | None:
    return request.auth if isinstance(request.auth, PartnerAPIKey) else None


def has_scope(request, scope: str) -> bool:
    key = api_key_of(request)
    if key is not None:
        return scope in key.scopes
    user = request.user
    return bool(user and user.is_authenticated and user.has_perm(SCOPE_PERMISSIONS[scope]))


class HasScope(permissions.BasePermission):
    message = "This key or account does not have the scope this needs."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        scope = required_scope(request, view)
        if has_scope(request, scope):
            return True
        self.message = (
            f"This needs the “{scope}” scope, which this key does not have."
            if api_key_of(request)
            else f"Your role does not allow this (it needs what the “{scope}” scope stands for)."
        )
        return False
