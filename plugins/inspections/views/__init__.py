"""Views of the inspections plugin, by feature; the URLs are in blueprint.py."""
