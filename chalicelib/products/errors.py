"""Errors of the products feature. Routes map each class to one HTTP status."""

from __future__ import annotations


class ProductError(Exception):
    """Base class of every error the products feature raises on purpose."""


class InvalidRequestError(ProductError):
    """A request parameter or body field is invalid (HTTP 400).

    `errors` maps each invalid field or parameter to its own message.
    """

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class ProductNotFoundError(ProductError):
    """No product has the requested SKU (HTTP 404)."""

    def __init__(self, sku: str) -> None:
        super().__init__(f"product with SKU {sku!r} not found")
        self.sku = sku


class ProductConflictError(ProductError):
    """The request conflicts with the current state (HTTP 409)."""
