"""The only package that imports sqlite-utils: people, templates, catalog and events."""
