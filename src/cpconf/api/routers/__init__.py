"""One router per area of the API, each in its own module with its schemas: ``api.py`` mounts every
module here that has a ``router``. Adding an area (invitations, reports) is one new file; docs/api.md
says what it must do."""
