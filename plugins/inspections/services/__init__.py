"""Services of the inspections plugin, by feature (import from the feature module)."""
