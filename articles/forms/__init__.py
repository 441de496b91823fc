"""Public forms, one module per feature."""
