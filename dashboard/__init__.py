"""The web dashboard: server-rendered pages on the API service, behind its keys and roles.

`mount(app, service)` adds `/dashboard` (log-in, portfolio, coalition pages, their forms)
and `/dashboard/static` to an app built by `api.app.create_app`; the composition root
`cli.web` does, since the dashboard uses the API's dependencies (`api.deps`).
"""

from lemniscate.dashboard.routes import mount

__all__ = ["mount"]
