import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";

export const SCREENSHOTS = path.resolve(__dirname, "..", "..", "docs", "screenshots");
export const TMP = path.resolve(__dirname, ".tmp");

/** A prefix unique to this run, so the tests find their own products among others. */
export const RUN = `E2E${Date.now().toString(36).toUpperCase()}`;

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

export type SeedProduct = { sku: string; name: string; price: string | null; active: boolean; description?: string };

export async function createProducts(request: APIRequestContext, products: SeedProduct[]): Promise<void> {
  for (const product of products) {
    const response = await request.post("/api/products", {
      data: { description: "", ...product },
    });
    if (response.status() !== 201) {
      throw new Error(`creating ${product.sku} failed: HTTP ${response.status()} ${await response.text()}`);
    }
  }
}

export function writeCsv(name: string, lines: string[]): string {
  fs.mkdirSync(TMP, { recursive: true });
  const file = path.join(TMP, name);
  fs.writeFileSync(file, lines.join("\n") + "\n");
  return file;
}
