"""In-repo plugins; each subpackage is declared as a "portal.plugins" entry point in pyproject.toml."""
