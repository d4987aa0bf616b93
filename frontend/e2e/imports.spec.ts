import { expect, test } from "@playwright/test";

import fs from "node:fs";
import path from "node:path";

import { RUN, screenshot, TMP, writeCsv } from "./helpers";

test.describe.configure({ mode: "serial" });

const ROWS = 200;

/** Runs in the page: records the phase of every status event any EventSource receives. */
function recordStreamPhases() {
  const phases: string[] = [];
  (window as unknown as { streamPhases: string[] }).streamPhases = phases;
  const Native = window.EventSource;
  window.EventSource = class extends Native {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, init);
      this.addEventListener("status", (event) => phases.push(JSON.parse((event as MessageEvent).data).status));
    }
  };
}

test("import uploads a CSV and follows it live to completion", async ({ page }) => {
  const prefix = `${RUN}-imp`;
  const lines = ["sku;Title;Variant Price;Description"];
  for (let index = 1; index <= ROWS; index++) {
    lines.push(`${prefix}-${String(index).padStart(4, "0")};Ceramic mug ${index};${(index % 40) + 4}.50;Glazed stoneware`);
  }
  const file = writeCsv(`${prefix}.csv`, lines);

  await page.addInitScript(recordStreamPhases);
  await page.goto("/imports");
  await page.locator("#import-file").setInputFiles(file);
  const check = page.getByTestId("header-check");
  await expect(check).toContainText("semicolon-separated");
  await expect(check).toContainText("name ← Title");
  await expect(check).toContainText("price ← Variant Price");

  const stream = page.waitForResponse((response) => response.url().includes("/status-stream"));
  await page.getByRole("button", { name: "Upload and import" }).click();
  const progress = page.getByTestId("import-progress");
  await expect(progress).toBeVisible();
  await expect(page).toHaveURL(/job=/);
  await expect(progress.getByTestId("rows-processed")).toContainText(`of ${ROWS} rows`);
  await screenshot(page, "import-progress");

  await expect(page.getByTestId("import-summary")).toContainText(`Processed ${ROWS} rows`, { timeout: 60_000 });
  await expect(page.getByTestId("phase-badge").first()).toHaveText("Completed");
  await expect(page.getByTestId("import-summary")).toContainText(`${ROWS} imported into ${ROWS} products (${ROWS} created, 0 updated)`);
  await screenshot(page, "import-completed");

  // The progress arrived over the event stream (through the UI server's proxy), not by polling.
  const events = await stream;
  expect(events.status()).toBe(200);
  expect(events.headers()["content-type"]).toContain("text/event-stream");
  const phases = await page.evaluate(() => (window as unknown as { streamPhases: string[] }).streamPhases);
  expect(phases.at(-1)).toBe("completed");
  expect(phases.length).toBeGreaterThan(1);

  await page.reload();
  const recent = page.getByTestId("recent-import").filter({ hasText: `${prefix}.csv` });
  await expect(recent).toContainText("Completed");
  await expect(page.getByTestId("import-summary")).toBeVisible();

  await page.getByRole("link", { name: "View products" }).click();
  const box = page.getByRole("searchbox", { name: "Search products" });
  await box.fill(prefix);
  await box.press("Enter");
  await expect(page.getByTestId("pagination-summary")).toContainText(`of ${ROWS} products`);
  await expect(page.getByTestId("product-row").first()).toContainText(`${prefix}-0001`);
});

test("import with a missing column shows the error before upload", async ({ page }) => {
  const file = writeCsv(`${RUN}-missing.csv`, ["sku,name,qty", `${RUN}-X,Thing,3`]);

  await page.goto("/imports");
  await page.locator("#import-file").setInputFiles(file);
  const alert = page.getByTestId("header-check").getByRole("alert");
  await expect(alert).toHaveText("Required column 'price' is missing; found: sku, name, qty.");
  await expect(page.getByRole("button", { name: "Upload and import" })).toHaveCount(0);
  await screenshot(page, "import-missing-column");
});

test("import rejects a binary file renamed .csv without breaking the layout", async ({ page }) => {
  fs.mkdirSync(TMP, { recursive: true });
  const file = path.join(TMP, `${RUN}-binary.csv`);
  fs.writeFileSync(file, Buffer.from(Array.from({ length: 8192 }, (_, index) => (index * 131 + 7) % 256)));

  await page.goto("/imports");
  await page.locator("#import-file").setInputFiles(file);
  const check = page.getByTestId("header-check");
  await expect(check.getByRole("alert")).toHaveText(/^This file does not look like CSV text/);
  await expect(page.getByRole("button", { name: "Upload and import" })).toHaveCount(0);

  // The check stays inside the upload card, clear of the Progress card beside it.
  const upload = page.locator("section").filter({ hasText: "Upload a file" });
  const checkBox = (await check.boundingBox())!;
  const uploadBox = (await upload.boundingBox())!;
  expect(checkBox.x + checkBox.width).toBeLessThanOrEqual(uploadBox.x + uploadBox.width);
  await screenshot(page, "import-binary-file");
});

test("import reports a column given twice before upload", async ({ page }) => {
  const file = writeCsv(`${RUN}-twice.csv`, ["sku,Name,price,Title", `${RUN}-T,Thing,3,Other`]);

  await page.goto("/imports");
  await page.locator("#import-file").setInputFiles(file);
  await expect(page.getByTestId("header-check").getByRole("alert")).toContainText("Column 'name' appears twice");
  await expect(page.getByRole("button", { name: "Upload and import" })).toHaveCount(0);
});
