"""GOV.UK form rendering."""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates


class GovukFormRenderer(DjangoTemplates):
    pass
