"""The API's part of the route inventory (see test_route_inventory.py), kept with the API's tests."""

from tests.api.inventory import API  # noqa: F401
