"""The API's part of the route inventory (see test_route_inventory.py): filled in below."""

API: list = []
