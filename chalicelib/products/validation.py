"""Parse and validate the products API's query parameters and JSON bodies.

Each parser returns plain values or raises InvalidRequestError naming every bad field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote

from chalicelib.imports.rows import MAX_FIELD_CHARS, normalise_sku
from chalicelib.products.errors import InvalidRequestError

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000_000
MAX_SEARCH_LENGTH = 200
MAX_NAME_LENGTH = 1_000
# The importer's limit for any field, so imported products stay editable.
MAX_DESCRIPTION_LENGTH = MAX_FIELD_CHARS
MAX_PRICE = Decimal("9999999999.99")
STATUSES = ("all", "active", "inactive")
LIST_PARAMETERS = ("page", "page_size", "search", "status")
PRODUCT_FIELDS = ("sku", "name", "description", "price", "active")
BULK_DELETE_CONFIRMATION = "DELETE"

_PRICE_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_CENT = Decimal("0.01")
# Line breaks and tabs are ordinary in descriptions; every other control character is not.
_DESCRIPTION_CONTROLS_ALLOWED = frozenset("\t\n\r")


@dataclass(frozen=True)
class ListQuery:
    page: int
    page_size: int
    search: str
    status: str


@dataclass(frozen=True)
class ProductFields:
    """Validated product fields; `present` names the fields the request body contained."""

    values: dict[str, Any]
    present: frozenset[str]


def parse_sku(text: str) -> str:
    """Return the stored form of an SKU, normalised exactly as the importer does.

    Raises ValueError with the reason when the SKU is invalid.
    """
    sku = normalise_sku(text)
    if not _is_encodable(sku):
        raise ValueError(f"invalid SKU {text!r}: must be valid Unicode text")
    return sku


def parse_path_sku(raw: str) -> str:
    """Percent-decode an SKU taken from the URL path once, then normalise it."""
    try:
        return parse_sku(unquote(raw))
    except ValueError as exc:
        raise InvalidRequestError(f"{exc} (from the URL path)", {"sku": str(exc)}) from None


def parse_list_query(params: dict[str, str] | None) -> ListQuery:
    params = params or {}
    errors: dict[str, str] = {}
    for name in params:
        if name not in LIST_PARAMETERS:
            errors[name] = f"unknown parameter {name!r}; expected one of {', '.join(LIST_PARAMETERS)}"

    page = _parse_int(params, "page", 1, 1, MAX_PAGE, errors)
    page_size = _parse_int(params, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, errors)
    search = _parse_search(params.get("search", ""), errors)
    status = params.get("status", "all")
    if status not in STATUSES:
        errors["status"] = f"invalid value {status!r}; expected one of {', '.join(STATUSES)}"

    if errors:
        raise InvalidRequestError(_summary(errors), errors)
    return ListQuery(page=page, page_size=page_size, search=search, status=status)


def parse_new_product(body: Any) -> ProductFields:
    """Validate a POST body: sku and name are required, the other fields optional."""
    fields = _parse_fields(body, required=("sku", "name"))
    values = {"description": "", "price": None, "active": True, **fields.values}
    return ProductFields(values=values, present=fields.present)


def parse_product_update(body: Any, sku: str) -> ProductFields:
    """Validate a PUT body: any subset of the fields, at least one besides `sku`."""
    fields = _parse_fields(body, required=())
    if "sku" in fields.values and fields.values["sku"] != sku:
        message = f"cannot change the SKU from {sku!r} to {fields.values['sku']!r}"
        raise InvalidRequestError(message, {"sku": message})
    values = {key: value for key, value in fields.values.items() if key != "sku"}
    if not values:
        message = "the body must contain at least one of name, description, price, active"
        raise InvalidRequestError(message)
    return ProductFields(values=values, present=fields.present)


def parse_bulk_delete(body: Any) -> None:
    """Require {"confirm": "DELETE"}, so that no stray request empties the catalogue."""
    confirm = body.get("confirm") if isinstance(body, dict) else None
    if confirm != BULK_DELETE_CONFIRMATION:
        message = (
            f'deleting every product requires the body {{"confirm": "{BULK_DELETE_CONFIRMATION}"}}'
            f"; got confirm={confirm!r}"
        )
        raise InvalidRequestError(message, {"confirm": message})


def _parse_fields(body: Any, required: tuple[str, ...]) -> ProductFields:
    if not isinstance(body, dict):
        kind = "no body" if body is None else type(body).__name__
        raise InvalidRequestError(f"the request body must be a JSON object; got {kind}")

    errors: dict[str, str] = {}
    for name in body:
        if name not in PRODUCT_FIELDS:
            errors[name] = f"unknown field; expected one of {', '.join(PRODUCT_FIELDS)}"
    for name in required:
        if name not in body:
            errors[name] = "is required"

    values: dict[str, Any] = {}
    for name, parse in _FIELD_PARSERS.items():
        if name in body and name not in errors:
            try:
                values[name] = parse(body[name])
            except ValueError as exc:
                errors[name] = str(exc)

    if errors:
        raise InvalidRequestError(_summary(errors), errors)
    return ProductFields(values=values, present=frozenset(body))


def _parse_sku(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, got {_json_type(value)}")
    return parse_sku(value)


def _parse_name(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, got {_json_type(value)}")
    name = value.strip()
    if not name:
        raise ValueError("must not be empty")
    _check_text(name, MAX_NAME_LENGTH, frozenset())
    return name


def _parse_description(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, got {_json_type(value)}")
    _check_text(value, MAX_DESCRIPTION_LENGTH, _DESCRIPTION_CONTROLS_ALLOWED)
    return value


def _parse_price(value: Any) -> Decimal | None:
    """Accept null, a JSON number or a decimal string such as "9.99"."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"must be a number, a decimal string or null, got {_json_type(value)}")
    text = value.strip() if isinstance(value, str) else str(value)
    if isinstance(value, str) and not _PRICE_TEXT.fullmatch(text):
        raise ValueError(f"must be a decimal number such as 9.99, got {value!r}")
    try:
        price = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"must be a decimal number such as 9.99, got {value!r}") from None
    return _check_price(price, value)


def _check_price(price: Decimal, original: Any) -> Decimal:
    if not price.is_finite():
        raise ValueError(f"must be a finite number, got {original!r}")
    if price < 0:
        raise ValueError(f"must not be negative, got {original!r}")
    if price > MAX_PRICE:
        raise ValueError(f"must be at most {MAX_PRICE}, got {original!r}")
    if price != price.quantize(_CENT):
        raise ValueError(f"must have at most 2 decimal places, got {original!r}")
    return price.quantize(_CENT)


def _parse_active(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {_json_type(value)}")
    return value


_FIELD_PARSERS = {
    "sku": _parse_sku,
    "name": _parse_name,
    "description": _parse_description,
    "price": _parse_price,
    "active": _parse_active,
}


def _check_text(text: str, max_length: int, allowed_controls: frozenset[str]) -> None:
    if len(text) > max_length:
        raise ValueError(f"must be at most {max_length} characters, got {len(text)}")
    control = _first_control(text, allowed_controls)
    if control is not None:
        raise ValueError(f"must not contain control character U+{ord(control):04X}")
    if not _is_encodable(text):
        raise ValueError("must be valid Unicode text (no unpaired surrogates)")


def _parse_int(
    params: dict[str, str], name: str, default: int, low: int, high: int, errors: dict[str, str]
) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    valid_digits = raw.isascii() and raw.isdigit() and len(raw) <= len(str(high))
    if not valid_digits or not low <= int(raw) <= high:
        errors[name] = f"invalid value {raw!r}; expected an integer from {low} to {high}"
        return default
    return int(raw)


def _parse_search(raw: str, errors: dict[str, str]) -> str:
    search = raw.strip()
    if len(search) > MAX_SEARCH_LENGTH:
        errors["search"] = f"must be at most {MAX_SEARCH_LENGTH} characters, got {len(search)}"
    elif _first_control(search, frozenset()) is not None:
        errors["search"] = f"invalid value {raw!r}; control characters are not allowed"
    elif not _is_encodable(search):
        errors["search"] = f"invalid value {raw!r}; must be valid Unicode text"
    return search


def _first_control(text: str, allowed: frozenset[str]) -> str | None:
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in allowed:
            return char
    return None


def _is_encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _json_type(value: Any) -> str:
    names = {bool: "boolean", int: "number", float: "number", str: "string",
             list: "array", dict: "object", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _summary(errors: dict[str, str]) -> str:
    details = "; ".join(f"{name}: {message}" for name, message in errors.items())
    return f"invalid request: {details}"
