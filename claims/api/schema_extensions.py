"""How the OpenAPI schema describes our authentication: the `Api-Key` scheme, and per operation the scope
it needs (OpenAPI 3.1 lets a security requirement name roles for any scheme, not only OAuth's scopes)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from claims.api.authentication import KEYWORD
from claims.choices import ApiScope


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "claims.api.authentication.PartnerKeyAuthentication"
    name = "Api-Key"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": f"A partner's key, sent as `Authorization: {KEYWORD} <key>` (in the interactive "
            f"docs, type `{KEYWORD} ` and then the key). Each operation names the scope it needs: "
            "`read`, `write` or `publish`.",
        }

    def get_security_requirement(self, auto_schema):
        # The same rule as claims.api.permissions.required_scope, read from the view being described.
        view = auto_schema.view
        action = getattr(view, "action", None)
        scope = getattr(view, "required_scopes", {}).get(action)
        if scope is None:
            scope = ApiScope.READ if auto_schema.method in ("GET", "HEAD", "OPTIONS") else ApiScope.WRITE
        return {self.name: [str(scope)]}
