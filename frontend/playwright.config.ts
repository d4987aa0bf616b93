import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "@playwright/test";

/**
 * Browser tests in Debian's Chromium. By default they run against the UI server of the local
 * stack (`ui_url` in .fullfill/stack.json, written by infra/local/ui.sh). With
 * FULLFILL_E2E_MOCK=1 they start e2e/mock-api.mjs and a UI server of their own on port 3100.
 */
const STACK_FILE = path.resolve(__dirname, "..", ".fullfill", "stack.json");
const TMP = path.resolve(__dirname, "e2e", ".tmp");
const MOCK = process.env.FULLFILL_E2E_MOCK === "1";
const MOCK_API = "http://127.0.0.1:4599";
const MOCK_UI = "http://127.0.0.1:3100";

function stackUiUrl(): string {
  if (process.env.FULLFILL_UI_URL) return process.env.FULLFILL_UI_URL;
  const stack = fs.existsSync(STACK_FILE) ? JSON.parse(fs.readFileSync(STACK_FILE, "utf-8")) : {};
  if (typeof stack.ui_url !== "string") {
    throw new Error(
      `no ui_url in ${STACK_FILE}: run 'make up' and 'bash infra/local/ui.sh start', ` +
        "or set FULLFILL_E2E_MOCK=1 to test against the mock API",
    );
  }
  return stack.ui_url;
}

export default defineConfig({
  testDir: "e2e",
  // The tests share one catalogue (and one of them deletes every product), so they run in order.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: path.join(TMP, "results"),
  use: {
    baseURL: MOCK ? MOCK_UI : stackUiUrl(),
    viewport: { width: 1280, height: 860 },
    trace: "off",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
      ],
      env: {
        ...process.env,
        XDG_CONFIG_HOME: path.join(TMP, "xdg-config"),
        XDG_CACHE_HOME: path.join(TMP, "xdg-cache"),
      },
    },
  },
  webServer: MOCK
    ? [
        {
          command: "node e2e/mock-api.mjs",
          url: `${MOCK_API}/health`,
          env: { MOCK_API_PORT: "4599", MOCK_ROW_DELAY_MS: "40" },
          reuseExistingServer: false,
        },
        {
          command: "npx next start --hostname 127.0.0.1 --port 3100",
          url: MOCK_UI,
          env: {
            FULLFILL_API_URL: MOCK_API,
            FULLFILL_SSE_URL: MOCK_API,
            NEXT_TELEMETRY_DISABLED: "1",
          },
          reuseExistingServer: false,
          timeout: 60_000,
        },
      ]
    : undefined,
});
