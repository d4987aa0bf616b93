import { expect, test } from "@playwright/test";

import { createProducts, RUN, screenshot, settleImports } from "./helpers";

test.describe.configure({ mode: "serial" });

async function search(page: import("@playwright/test").Page, term: string) {
  const box = page.getByRole("searchbox", { name: "Search products" });
  await box.fill(term);
  await box.press("Enter");
  await expect(page).toHaveURL(new RegExp(`search=${encodeURIComponent(term)}`));
}

test("products create shows validation, then edits and deletes", async ({ page }) => {
  const sku = `${RUN}-crud-1`;
  await page.goto("/products");
  await expect(page.getByRole("heading", { name: "Products" })).toBeVisible();

  await page.getByRole("button", { name: "New product" }).click();
  const dialog = page.getByRole("dialog", { name: "New product" });
  await dialog.getByLabel("SKU").fill(sku);
  await dialog.getByLabel("Name").fill("Walnut desk organiser");
  await dialog.getByLabel("Description").fill("Three compartments, oiled walnut");
  await dialog.getByLabel("Price").fill("abc");
  await dialog.getByRole("button", { name: "Create product" }).click();

  const price = dialog.getByLabel("Price");
  await expect(price).toHaveAttribute("aria-invalid", "true");
  const describedBy = await price.getAttribute("aria-describedby");
  await expect(page.locator(`#${describedBy}`)).toContainText(/price/i);
  await screenshot(page, "product-dialog-validation");

  await price.fill("24.50");
  await dialog.getByRole("button", { name: "Create product" }).click();
  await expect(dialog).toBeHidden();

  await search(page, sku);
  const row = page.getByTestId("product-row").filter({ hasText: sku });
  await expect(row).toContainText("Walnut desk organiser");
  await expect(row).toContainText("24.50");
  await expect(row).toContainText("Active");

  await page.getByRole("button", { name: `Edit ${sku}` }).click();
  const edit = page.getByRole("dialog", { name: "Edit product" });
  await expect(edit.getByLabel("SKU")).toHaveValue(sku);
  await expect(edit.getByLabel("SKU")).toHaveAttribute("readonly", "");
  await edit.getByLabel("Name").fill("Walnut desk organiser XL");
  await edit.getByLabel("Active").uncheck();
  await screenshot(page, "product-dialog-edit");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit).toBeHidden();
  await expect(row).toContainText("Walnut desk organiser XL");
  await expect(row).toContainText("Inactive");

  await page.getByRole("button", { name: `Delete ${sku}` }).click();
  const confirm = page.getByRole("alertdialog", { name: `Delete product ${sku}?` });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Delete product" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByText("No products match")).toBeVisible();
});

test("products create rejects a duplicate SKU by field", async ({ page, request }) => {
  const sku = `${RUN}-dup`;
  await createProducts(request, [{ sku, name: "Original", price: "1.00", active: true }]);
  await page.goto("/products");

  await page.getByRole("button", { name: "New product" }).click();
  const dialog = page.getByRole("dialog", { name: "New product" });
  await dialog.getByLabel("SKU").fill(sku);
  await dialog.getByLabel("Name").fill("Copy");
  await dialog.getByLabel("SKU").press("Enter");
  await expect(dialog.getByLabel("SKU")).toHaveAttribute("aria-invalid", "true");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});

test("products search, status filter and pagination stay in the URL", async ({ page, request }) => {
  const prefix = `${RUN}-page`;
  const seeds = Array.from({ length: 12 }, (_, index) => ({
    sku: `${prefix}-${String(index + 1).padStart(2, "0")}`,
    name: `Linen tea towel ${index + 1}`,
    price: `${(index + 1) * 3}.00`,
    active: index % 3 !== 0,
    description: index === 4 ? "stone-washed cotton blend" : "",
  }));
  await createProducts(request, seeds);

  await page.goto("/products");
  await search(page, prefix);
  await expect(page.getByTestId("product-row")).toHaveCount(10);
  await expect(page.getByTestId("pagination-summary")).toContainText("of 12 products");
  await screenshot(page, "products");

  await page.getByRole("button", { name: "Page 2" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByTestId("product-row")).toHaveCount(2);
  await expect(page.getByRole("button", { name: "Page 2" })).toHaveAttribute("aria-current", "page");

  // The status filter by keyboard: focus, open, pick "Inactive".
  const filter = page.getByRole("combobox", { name: "Status filter" });
  await filter.focus();
  await page.keyboard.press("Enter");
  await page.getByRole("option", { name: "Inactive" }).press("Enter");
  await expect(page).toHaveURL(/status=inactive/);
  await expect(page).not.toHaveURL(/page=2/);
  await expect(page.getByTestId("product-row")).toHaveCount(4);

  await page.reload();
  await expect(page.getByRole("searchbox", { name: "Search products" })).toHaveValue(prefix);
  await expect(page.getByRole("combobox", { name: "Status filter" })).toContainText("Inactive");
  await expect(page.getByTestId("product-row")).toHaveCount(4);

  await search(page, "stone-washed");
  await page.getByRole("combobox", { name: "Status filter" }).click();
  await page.getByRole("option", { name: "All statuses" }).click();
  await expect(page.getByTestId("product-row")).toHaveCount(1);
  await expect(page.getByTestId("product-row")).toContainText(`${prefix}-05`);

  await page.getByRole("searchbox", { name: "Search products" }).press("Escape");
  await expect(page).not.toHaveURL(/search=/);
});

test("products table keeps actions visible for a long name and SKU", async ({ page, request }) => {
  const sku = `${RUN}-long-${"9".repeat(60)}`;
  const name = `Poster${"X".repeat(994)}`;
  await createProducts(request, [{ sku, name, price: "19.90", active: true }]);

  await page.goto(`/products?search=${sku}`);
  const row = page.getByTestId("product-row").filter({ hasText: sku.slice(0, 20) });
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("product-name")).toHaveAttribute("title", name);

  const card = page.locator("section").filter({ has: page.getByRole("table", { name: "Products" }) });
  const cardBox = (await card.boundingBox())!;
  const deleteBox = (await row.getByRole("button", { name: `Delete ${sku}` }).boundingBox())!;
  expect(deleteBox.x + deleteBox.width).toBeLessThanOrEqual(cardBox.x + cardBox.width);
  const skuBox = (await row.getByTestId("product-sku").boundingBox())!;
  expect(skuBox.height).toBeLessThan(24);
  await expect(row).toContainText("19.90");
  await screenshot(page, "products-long-name");
});

test("products URL repair clamps page and search", async ({ page }) => {
  await page.goto("/products?page=99999999");
  await expect(page).not.toHaveURL(/page=99999999/);
  await expect(page.getByTestId("product-row").first()).toBeVisible();
  await expect(page.getByText(/Could not load products/)).toHaveCount(0);

  await page.goto(`/products?search=${"q".repeat(300)}`);
  await expect(page).toHaveURL(new RegExp(`search=${"q".repeat(200)}$`));
  await expect(page.getByText("No products match")).toBeVisible();
});

test("products page has a favicon", async ({ page, request }) => {
  const ico = await request.get("/favicon.ico");
  expect(ico.status()).toBe(200);
  const svg = await request.get("/icon.svg");
  expect(svg.status()).toBe(200);
  expect(svg.headers()["content-type"]).toContain("image/svg+xml");
  await page.goto("/products");
  await expect(page.locator('link[rel="icon"]').first()).toHaveAttribute("href", /icon|favicon/);
});

test("products delete all asks for DELETE and empties the catalogue", async ({ page, request }) => {
  await createProducts(request, [{ sku: `${RUN}-last`, name: "Last one", price: null, active: true }]);
  await settleImports(request);
  await page.goto("/products");

  await page.getByRole("button", { name: "Delete all" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Delete all products?" });
  const action = confirm.getByRole("button", { name: "Delete all products" });
  await expect(action).toBeDisabled();
  await confirm.getByLabel(/Type DELETE to confirm/).fill("delete");
  await expect(action).toBeDisabled();
  await confirm.getByLabel(/Type DELETE to confirm/).fill("DELETE");
  await screenshot(page, "products-delete-all");
  await action.click();
  await expect(confirm).toBeHidden();

  await expect(page.getByText("No products yet")).toBeVisible();
  await expect(page.getByRole("link", { name: "Import products" })).toHaveAttribute("href", "/imports");
  await screenshot(page, "products-empty");
});
