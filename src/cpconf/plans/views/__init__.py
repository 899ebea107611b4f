"""Plan pages: one module per area of the work, each with its own urlpatterns (gathered in cpconf.plans.urls)."""
