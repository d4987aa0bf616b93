import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { DeleteAllDialog } from "@/app/products/components/delete-all-dialog";
import { ProductFormDialog } from "@/app/products/components/product-form-dialog";
import { ApiError } from "@/lib/api";
import type { Product } from "@/lib/types";

const PRODUCT: Product = {
  sku: "mug-01",
  name: "Stoneware mug",
  description: "350 ml",
  price: "12.50",
  active: true,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

function renderCreate(onSubmit: () => Promise<void>) {
  const onOpenChange = vi.fn();
  render(
    <ProductFormDialog open product={null} onOpenChange={onOpenChange} onCreate={onSubmit} onUpdate={vi.fn()} />,
  );
  return { onOpenChange };
}

function renderEdit(product: Product, onUpdate: () => Promise<void>) {
  const onOpenChange = vi.fn();
  const onCreate = vi.fn();
  render(
    <ProductFormDialog open product={product} onOpenChange={onOpenChange} onCreate={onCreate} onUpdate={onUpdate} />,
  );
  return { onOpenChange, onCreate };
}

/** A product as a CSV import may store it: values the single-product API would reject. */
const IMPORTED: Product = {
  ...PRODUCT,
  sku: "poster-99",
  name: `Poster${"x".repeat(4_994)}`,
  description: "d".repeat(25_000),
};

describe("ProductFormDialog", () => {
  it("shows the API's validation message under each field", async () => {
    const onSubmit = vi.fn().mockRejectedValue(
      new ApiError(400, "price: must be a decimal number such as 9.99, got 'abc'", {
        price: "must be a decimal number such as 9.99, got 'abc'",
        name: "must not be empty",
      }),
    );
    const { onOpenChange } = renderCreate(onSubmit);

    await userEvent.type(screen.getByLabelText("SKU"), "mug-02");
    await userEvent.type(screen.getByLabelText("Price"), "abc");
    await userEvent.click(screen.getByRole("button", { name: "Create product" }));

    const price = screen.getByLabelText("Price");
    expect(price).toHaveAttribute("aria-invalid", "true");
    expect(price).toHaveAccessibleDescription("Price must be a decimal number such as 9.99, got 'abc'");
    expect(screen.getByLabelText("Name")).toHaveAccessibleDescription("Name must not be empty");
    expect(screen.getByLabelText("SKU")).not.toHaveAttribute("aria-invalid");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(onOpenChange).not.toHaveBeenCalledWith(false);
  });

  it("sends trimmed values and an empty price as null", async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    const { onOpenChange } = renderCreate(onSubmit);

    await userEvent.type(screen.getByLabelText("SKU"), "  mug-03 ");
    await userEvent.type(screen.getByLabelText("Name"), "Mug ");
    await userEvent.click(screen.getByRole("button", { name: "Create product" }));

    expect(onSubmit).toHaveBeenCalledWith({ sku: "mug-03", name: "Mug", description: "", price: null, active: true });
    expect(onOpenChange).toHaveBeenCalledWith(false);
  });

  it("puts a duplicate SKU error on the SKU field", async () => {
    const onSubmit = vi.fn().mockRejectedValue(new ApiError(409, "a product with SKU 'mug-01' already exists"));
    renderCreate(onSubmit);

    await userEvent.type(screen.getByLabelText("SKU"), "mug-01");
    await userEvent.type(screen.getByLabelText("Name"), "Mug");
    await userEvent.click(screen.getByRole("button", { name: "Create product" }));

    expect(screen.getByLabelText("SKU")).toHaveAccessibleDescription("a product with SKU 'mug-01' already exists");
  });

  it("shows an error without a field as a form alert", async () => {
    const onSubmit = vi.fn().mockRejectedValue(new ApiError(502, "API at http://127.0.0.1:4566 is unreachable"));
    renderCreate(onSubmit);

    await userEvent.type(screen.getByLabelText("SKU"), "mug-04");
    await userEvent.click(screen.getByRole("button", { name: "Create product" }));

    expect(screen.getByRole("alert")).toHaveTextContent("API at http://127.0.0.1:4566 is unreachable");
  });

  it("locks the SKU when editing", async () => {
    const onUpdate = vi.fn().mockResolvedValue(undefined);
    renderEdit(PRODUCT, onUpdate);

    const sku = screen.getByLabelText("SKU");
    expect(screen.getByRole("dialog", { name: "Edit product" })).toBeInTheDocument();
    expect(sku).toHaveValue("mug-01");
    expect(sku).toHaveAttribute("readonly");
    await userEvent.type(sku, "x");
    expect(sku).toHaveValue("mug-01");
  });

  it("sends only the changed price of an imported product", async () => {
    const onUpdate = vi.fn().mockResolvedValue(undefined);
    const { onOpenChange, onCreate } = renderEdit(IMPORTED, onUpdate);

    await userEvent.clear(screen.getByLabelText("Price"));
    await userEvent.type(screen.getByLabelText("Price"), " 9.99 ");
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));

    expect(onUpdate).toHaveBeenCalledTimes(1);
    expect(onUpdate).toHaveBeenCalledWith("poster-99", { price: "9.99" });
    expect(onCreate).not.toHaveBeenCalled();
    expect(onOpenChange).toHaveBeenCalledWith(false);
  });

  it("keeps a name with a line break when only Active changes", async () => {
    const onUpdate = vi.fn().mockResolvedValue(undefined);
    renderEdit({ ...PRODUCT, name: "Stoneware\nmug" }, onUpdate);

    await userEvent.click(screen.getByLabelText("Active"));
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));

    expect(onUpdate).toHaveBeenCalledWith("mug-01", { active: false });
  });

  it("sends a cleared price as null and an edited name trimmed", async () => {
    const onUpdate = vi.fn().mockResolvedValue(undefined);
    renderEdit(PRODUCT, onUpdate);

    await userEvent.clear(screen.getByLabelText("Price"));
    await userEvent.type(screen.getByLabelText("Name"), " XL ");
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));

    expect(onUpdate).toHaveBeenCalledWith("mug-01", { name: "Stoneware mug XL", price: null });
  });

  it("closes without a request when nothing changed", async () => {
    const onUpdate = vi.fn().mockResolvedValue(undefined);
    const { onOpenChange } = renderEdit(IMPORTED, onUpdate);

    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));

    expect(onUpdate).not.toHaveBeenCalled();
    expect(onOpenChange).toHaveBeenCalledWith(false);
  });

  it("shows the API's field error for a changed field when editing", async () => {
    const onUpdate = vi.fn().mockRejectedValue(
      new ApiError(400, "invalid request: name: must be at most 1000 characters, got 1003", {
        name: "must be at most 1000 characters, got 1003",
      }),
    );
    const { onOpenChange } = renderEdit(PRODUCT, onUpdate);

    await userEvent.type(screen.getByLabelText("Name"), "!!!");
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));

    const name = screen.getByLabelText("Name");
    expect(name).toHaveAttribute("aria-invalid", "true");
    expect(name).toHaveAccessibleDescription("Name must be at most 1000 characters, got 1003");
    expect(onOpenChange).not.toHaveBeenCalledWith(false);
  });
});

describe("DeleteAllDialog", () => {
  it("enables the delete button only once DELETE is typed", async () => {
    const onConfirm = vi.fn().mockResolvedValue(undefined);
    render(<DeleteAllDialog total={1234} onConfirm={onConfirm} />);

    await userEvent.click(screen.getByRole("button", { name: "Delete all" }));
    const dialog = screen.getByRole("alertdialog", { name: "Delete all products?" });
    expect(dialog).toHaveTextContent("1,234 in total");
    const action = screen.getByRole("button", { name: "Delete all products" });
    expect(action).toBeDisabled();

    await userEvent.type(screen.getByLabelText(/Type DELETE to confirm/), "delete");
    expect(action).toBeDisabled();
    await userEvent.clear(screen.getByLabelText(/Type DELETE to confirm/));
    await userEvent.type(screen.getByLabelText(/Type DELETE to confirm/), "DELETE{Enter}");

    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  });

  it("keeps the dialog open with the API's message when deleting fails", async () => {
    const onConfirm = vi.fn().mockRejectedValue(new ApiError(409, "cannot delete all products while an import runs"));
    render(<DeleteAllDialog total={3} onConfirm={onConfirm} />);

    await userEvent.click(screen.getByRole("button", { name: "Delete all" }));
    await userEvent.type(screen.getByLabelText(/Type DELETE to confirm/), "DELETE");
    await userEvent.click(screen.getByRole("button", { name: "Delete all products" }));

    expect(screen.getByRole("alert")).toHaveTextContent("cannot delete all products while an import runs");
    expect(screen.getByRole("alertdialog")).toBeInTheDocument();
  });
});
