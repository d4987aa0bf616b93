"""Write a realistic, deterministic product CSV file for tests and benchmarks.

    python -m chalicelib.imports.sample OUT.csv [--rows 500000] [--seed 1]

500,000 rows make about 66 MB. Descriptions hold quoted commas and, in about 2% of rows,
line breaks. About 10% of rows repeat an earlier SKU in another case with spaces around it,
about 1% have an empty price and about 1% an invalid one (text, negative, two decimal points).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Iterator
from pathlib import Path

HEADER = ("sku", "name", "description", "price")
DUPLICATE_SHARE = 0.10

_PREFIXES = ("AB", "TX", "KT", "HM", "GD", "OF", "SP", "BT")
_ADJECTIVES = (
    "Classic",
    "Compact",
    "Deluxe",
    "Ergonomic",
    "Heavy-duty",
    "Lightweight",
    "Modern",
    "Portable",
    "Premium",
    "Rustic",
    "Slim",
    "Vintage",
    "Waterproof",
    "Wireless",
)
_MATERIALS = (
    "Bamboo",
    "Ceramic",
    "Cotton",
    "Glass",
    "Leather",
    "Linen",
    "Oak",
    "Recycled Plastic",
    "Stainless Steel",
    "Walnut",
    "Wool",
    "Aluminium",
)
_NOUNS = (
    "Backpack",
    "Chair",
    "Desk Lamp",
    "Kettle",
    "Mug",
    "Notebook",
    "Pillow",
    "Rug",
    "Shelf",
    "Speaker",
    "Teapot",
    "Towel",
    "Umbrella",
    "Water Bottle",
)
_COLOURS = ("black", "white", "navy", "sage green", "terracotta", "grey", "mustard")
_SIZES = ("S", "M", "L", "XL")
_FEATURES = (
    "easy to clean",
    "built to last",
    "dishwasher safe",
    "made in Portugal",
    "backed by a two-year warranty",
    "shipped in plastic-free packaging",
)
_BAD_PRICES = ("abc", "-4.99", "N/A", "12.34.56", "call us")


def generate_rows(rows: int, seed: int) -> Iterator[tuple[str, str, str, str]]:
    """Yield `rows` product rows; the same seed always yields the same rows."""
    rng = random.Random(seed)
    skus: list[str] = []
    for index in range(rows):
        roll = rng.random()
        if skus and roll < DUPLICATE_SHARE:
            sku = _case_variant(rng.choice(skus), rng)
        else:
            sku = _new_sku(index, rng)
            skus.append(sku)
        yield sku, _name(rng), _description(rng), _price(rng)


def _new_sku(index: int, rng: random.Random) -> str:
    kind = index % 10
    if kind == 0:
        return f"{index:010d}"  # Numeric SKUs keep their leading zeros.
    if kind == 1:
        return f"{rng.choice(_PREFIXES)}-{index:07d}-{rng.choice(_SIZES)}"
    return f"{rng.choice(_PREFIXES)}-{index:07d}"


def _case_variant(sku: str, rng: random.Random) -> str:
    changed = sku.swapcase() if any(c.isalpha() for c in sku) else sku
    return " " * rng.randint(1, 2) + changed + " " * rng.randint(0, 2)


def _name(rng: random.Random) -> str:
    name = f"{rng.choice(_ADJECTIVES)} {rng.choice(_MATERIALS)} {rng.choice(_NOUNS)}"
    if rng.random() < 0.3:
        name += f", {rng.choice(_COLOURS)}"
    return name


def _description(rng: random.Random) -> str:
    colour, feature = rng.choice(_COLOURS), rng.choice(_FEATURES)
    width, height = rng.randint(5, 120), rng.randint(5, 120)
    text = (
        f"Our {rng.choice(_ADJECTIVES).lower()} pick in {colour}, {feature},"
        f" for home or office. Size: {width} x {height} cm."
    )
    if rng.random() < 0.02:
        text += f"\nCare: {rng.choice(_FEATURES)}."
    return text


def _price(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.01:
        return ""
    if roll < 0.02:
        return rng.choice(_BAD_PRICES)
    if roll < 0.05:
        return f"{rng.randint(1000, 9999) // 1000},{rng.randint(0, 999):03d}.00"
    return f"{rng.randint(100, 49999) / 100:.2f}"


def write_sample(path: Path, rows: int, seed: int) -> int:
    """Write the sample file and return its size in bytes."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(generate_rows(rows, seed))
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a realistic product CSV file.")
    parser.add_argument("out", type=Path, help="file to write")
    parser.add_argument("--rows", type=int, default=500_000, help="data rows (default 500000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    size = write_sample(args.out, args.rows, args.seed)
    print(f"wrote {args.rows} rows, {size} bytes ({size / 1e6:.1f} MB) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
