"""The JSON API (issue 4, item 10): django-ninja at /api/, for signed-in people and service accounts.

``api.py`` builds the API and mounts one router per area (``routers/``); ``auth.py`` signs requests in
(a session, or a service account's bearer token, ``models.ApiToken``); ``errors.py`` turns every refusal
into a JSON answer in plain English; ``schemas.py`` holds what several routers share. Handlers get
records only through the access gateways and change them only through the services. docs/api.md is
the guide for people who build against it.
"""
