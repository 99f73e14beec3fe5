"""The fund's views by feature; the route table is in ../blueprint.py."""
