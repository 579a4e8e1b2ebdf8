"""Staff mode: enrolment, gallery, catalog, analytics, settings."""
