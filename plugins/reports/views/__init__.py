"""Views of the reports plugin, one module per feature; the routes are in blueprint.py."""
