"""Routes of the products API (placeholder until the products module lands)."""

from chalice import Blueprint

products_api = Blueprint(__name__)
