import { render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { ProductsTable } from "@/app/products/components/products-table";
import type { Product } from "@/lib/types";

const LONG_NAME = `Poster${"X".repeat(994)}`;
const LONG_SKU = `sku-${"9".repeat(120)}`;

const PRODUCT: Product = {
  sku: LONG_SKU,
  name: LONG_NAME,
  description: "A very long description ".repeat(40).trim(),
  price: "1234567.5",
  active: true,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

function renderTable() {
  render(
    <ProductsTable
      products={[PRODUCT]}
      pageSize={10}
      filtered={false}
      onEdit={vi.fn()}
      onDelete={vi.fn()}
      onClearFilters={vi.fn()}
    />,
  );
  return screen.getByTestId("product-row");
}

describe("ProductsTable", () => {
  it("truncates long name and SKU with titles", () => {
    const row = renderTable();

    const name = within(row).getByTestId("product-name");
    expect(name).toHaveAttribute("title", LONG_NAME);
    expect(name).toHaveClass("truncate");
    const sku = within(row).getByTestId("product-sku");
    expect(sku).toHaveAttribute("title", LONG_SKU);
    expect(sku).toHaveClass("truncate");
    expect(within(row).getByTitle(PRODUCT.description!)).toHaveClass("truncate");
  });

  it("uses a fixed layout so the price, status and actions keep their columns", () => {
    const row = renderTable();

    expect(screen.getByRole("table", { name: "Products" })).toHaveClass("table-fixed");
    expect(within(row).getByText("1,234,567.50")).toBeInTheDocument();
    expect(within(row).getByText("Active")).toBeInTheDocument();
    expect(within(row).getByRole("button", { name: `Edit ${LONG_SKU}` })).toBeInTheDocument();
    expect(within(row).getByRole("button", { name: `Delete ${LONG_SKU}` })).toBeInTheDocument();
  });
});
