import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";

export const SCREENSHOTS = path.resolve(__dirname, "..", "..", "docs", "screenshots");
export const TMP = path.resolve(__dirname, ".tmp");

/**
 * A prefix unique to this run, so the tests find their own products among others. Lower case
 * because the API stores SKUs lower-cased.
 */
export const RUN = `e2e${Date.now().toString(36)}`;

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

type ImportSummary = { job_id: string; status: string; created_at: string | null };
const RUNNING = ["queued", "validating", "parsing"];
/** A queued import this old never received its file (an abandoned upload), so it is cancelled.
 * An upload that arrives starts the pipeline within a few seconds on the local stack. */
const ABANDONED_AFTER_MS = 30_000;

async function runningImports(request: APIRequestContext): Promise<ImportSummary[]> {
  const response = await request.get("/api/imports?page=1&page_size=100");
  if (!response.ok()) throw new Error(`listing imports failed: HTTP ${response.status()}`);
  const page = (await response.json()) as { items: ImportSummary[] };
  return page.items.filter((job) => RUNNING.includes(job.status));
}

/**
 * Waits until no import runs, because the API rejects deleting all products during one.
 * Abandoned uploads (queued for minutes) are cancelled instead of waited for.
 */
export async function settleImports(request: APIRequestContext, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = await runningImports(request);
    if (running.length === 0) return;
    for (const job of running) {
      const age = Date.now() - Date.parse(job.created_at ?? "");
      if (job.status === "queued" && age > ABANDONED_AFTER_MS) {
        await request.post(`/api/imports/${job.job_id}/cancel`);
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`imports still running after ${timeoutMs} ms: ${running.map((job) => job.job_id).join(", ")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
