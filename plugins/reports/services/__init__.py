"""Services of the reports plugin, one module per feature (import from the feature module)."""
