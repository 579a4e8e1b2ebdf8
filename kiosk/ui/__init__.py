"""The only package that imports PySide6: shopper view and staff mode."""
