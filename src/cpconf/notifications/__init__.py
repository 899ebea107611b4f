"""Email about children, through one boundary (R-AF-5; STYLE rule 11; docs/email.md).

Everything the product emails about a child goes through ``services.notify_about_child``: it decides,
recipient by recipient, whether the content may go (the address is at one of the authority's secure
email domains) or only a sign-in notice without it, and writes the message to the outbox in the
caller's transaction. ``services.notify_naming_no_child`` is for the one kind of message built to name
no child (a conference invitation, by its reference), which may go to any address; it refuses one that
names a child. ``tasks.outbox_send`` sends either later, with its attachments, from the worker.
"""
