"""The partner REST API, `/api/v1/` (Django REST Framework): thin views and serializers over the services and
selectors the browser uses. Partners authenticate with `Authorization: Api-Key <key>`; the browser's own
calls use the session with CSRF."""
