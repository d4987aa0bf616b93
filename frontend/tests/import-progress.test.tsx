import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { ImportProgress } from "@/app/imports/components/import-progress";
import { useImportStream } from "@/app/imports/components/use-import-stream";
import type { ImportStatus } from "@/lib/types";

function statusEvent(overrides: Partial<ImportStatus> = {}): ImportStatus {
  return {
    job_id: "4b1c8a3e-0000-4000-8000-000000000001",
    status: "parsing",
    file_name: "shopify-export.csv",
    size: 52_428_800,
    total_rows: 500_000,
    processed_rows: 125_000,
    created: 120_000,
    updated: 4_990,
    error_count: 7,
    warning_count: 3,
    errors: [{ line: 42, severity: "error", reason: "price 'abc' is not a number" }],
    message: null,
    progress: 0.25,
    encoding: "utf-8",
    delimiter: ";",
    column_map: { sku: "Variant SKU", name: "Title", price: "Variant Price" },
    created_at: "2026-01-01T10:00:00Z",
    updated_at: "2026-01-01T10:00:30Z",
    started_at: "2026-01-01T10:00:01Z",
    finished_at: null,
    rows_per_second: 4166.6,
    eta_seconds: 90,
    ...overrides,
  };
}

describe("ImportProgress", () => {
  it("shows phase, rows, rate, ETA and problem counts of a running import", () => {
    render(<ImportProgress status={statusEvent()} onCancel={() => {}} onRetry={() => {}} />);

    expect(screen.getByTestId("phase-badge")).toHaveTextContent("Importing");
    expect(screen.getByTestId("rows-processed")).toHaveTextContent("125,000 of 500,000 rows");
    expect(screen.getByRole("progressbar", { name: "Import progress" })).toHaveAttribute("aria-valuenow", "25");
    expect(screen.getByText("Rows / second").nextSibling).toHaveTextContent("4,167");
    expect(screen.getByText("Time left").nextSibling).toHaveTextContent("1 min 30 s");
    expect(screen.getByText("Errors").nextSibling).toHaveTextContent("7");
    expect(screen.getByText("Warnings").nextSibling).toHaveTextContent("3");
    expect(screen.getByText("price 'abc' is not a number")).toBeInTheDocument();
    expect(screen.getByText(/9 more in the error report/)).toBeInTheDocument();
    expect(screen.getByText(/semicolon-separated/)).toBeInTheDocument();
  });

  it("offers cancel while running and no retry", async () => {
    const onCancel = vi.fn();
    render(<ImportProgress status={statusEvent()} onCancel={onCancel} onRetry={() => {}} />);

    expect(screen.queryByRole("button", { name: "Retry import" })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Cancel import" }));
    const dialog = screen.getByRole("alertdialog", { name: "Cancel this import?" });
    expect(onCancel).not.toHaveBeenCalled();
    await userEvent.click(within(dialog).getByRole("button", { name: "Cancel import" }));
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(screen.queryByTestId("import-summary")).not.toBeInTheDocument();
  });

  it("asks before cancelling and works from the keyboard", async () => {
    const onCancel = vi.fn();
    render(<ImportProgress status={statusEvent()} onCancel={onCancel} />);
    const user = userEvent.setup();

    screen.getByRole("button", { name: "Cancel import" }).focus();
    await user.keyboard("{Enter}");
    const dialog = screen.getByRole("alertdialog", { name: "Cancel this import?" });
    expect(dialog).toHaveTextContent("(125,000 so far) stay in the catalogue");
    expect(within(dialog).getByRole("button", { name: "Keep importing" })).toHaveFocus();

    await user.keyboard("{Escape}");
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(onCancel).not.toHaveBeenCalled();

    screen.getByRole("button", { name: "Cancel import" }).focus();
    await user.keyboard("{Enter}");
    await user.tab();
    expect(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Cancel import" })).toHaveFocus();
    await user.keyboard("{Enter}");
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it("shows the row count as unknown while validating", () => {
    render(<ImportProgress status={statusEvent({ status: "validating", total_rows: null, processed_rows: 0, progress: 0 })} />);
    expect(screen.getByTestId("rows-processed")).toHaveTextContent("0 of … rows");
    expect(screen.getByRole("listitem", { current: "step" })).toHaveTextContent("Validating");
  });

  it("summarises a completed import and links the error report", () => {
    const done = statusEvent({
      status: "completed",
      processed_rows: 500_000,
      progress: 1,
      finished_at: "2026-01-01T10:02:00Z",
    });
    render(<ImportProgress status={done} onCancel={() => {}} errorReportUrl="http://127.0.0.1:4566/reports/x.csv" />);

    expect(screen.getByTestId("import-summary")).toHaveTextContent("Import completed");
    expect(screen.getByTestId("import-summary")).toHaveTextContent(
      "Processed 500,000 rows: 499,993 imported into 124,990 products (120,000 created, 4,990 updated; 375,003 rows superseded by a later row with the same SKU), 7 skipped with errors, 3 warnings.",
    );
    expect(screen.queryByRole("button", { name: "Cancel import" })).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Download error report" })).toHaveAttribute(
      "href",
      "http://127.0.0.1:4566/reports/x.csv",
    );
    expect(screen.getByText("Time left").nextSibling).toHaveTextContent("–");
  });

  it("shows a failed import's message as an alert with a retry button", async () => {
    const onRetry = vi.fn();
    const failed = statusEvent({ status: "failed", message: "column 'price' is missing; found: sku, name, qty" });
    render(<ImportProgress status={failed} onRetry={onRetry} />);

    expect(screen.getByRole("alert")).toHaveTextContent("column 'price' is missing; found: sku, name, qty");
    expect(screen.getByTestId("import-summary")).toHaveTextContent("Import failed");
    await userEvent.click(screen.getByRole("button", { name: "Retry import" }));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });
});

describe("ImportProgress summary and phases", () => {
  it("counts only rows without errors as imported", () => {
    const done = statusEvent({
      status: "completed",
      total_rows: 9,
      processed_rows: 9,
      created: 0,
      updated: 5,
      error_count: 4,
      warning_count: 1,
      progress: 1,
    });
    render(<ImportProgress status={done} />);

    expect(screen.getByTestId("import-summary")).toHaveTextContent(
      "Processed 9 rows: 5 imported into 5 products (0 created, 5 updated), 4 skipped with errors, 1 warning.",
    );
    expect(screen.getByTestId("import-summary")).not.toHaveTextContent("Imported 9 rows");
  });

  it("leaves out created and updated while the API sends them as null", () => {
    const cancelled = statusEvent({
      status: "cancelled",
      processed_rows: 262_826,
      created: null,
      updated: null,
      error_count: 6,
      warning_count: 0,
      message: "cancelled by the user after 262826 rows",
    });
    render(<ImportProgress status={cancelled} />);

    const summary = screen.getByTestId("import-summary");
    expect(summary).toHaveTextContent("Import cancelled");
    expect(summary).toHaveTextContent("Processed 262,826 rows: 262,820 imported, 6 skipped with errors, 0 warnings.");
    expect(summary).not.toHaveTextContent("created");
    expect(summary).not.toHaveTextContent("–");
  });

  it("formats the row count of a cancelled job's message", () => {
    const cancelled = statusEvent({
      status: "cancelled",
      processed_rows: 262_826,
      message: "cancelled by the user after 262826 rows",
    });
    render(<ImportProgress status={cancelled} />);

    expect(screen.getByTestId("import-message")).toHaveTextContent("Cancelled by the user after 262,826 rows.");
  });

  it("shows the phases a cancelled job reached and marks it cancelled", () => {
    render(<ImportProgress status={statusEvent({ status: "cancelled", message: null })} />);

    const steps = within(screen.getByRole("list", { name: "Import phases" })).getAllByRole("listitem");
    expect(steps.map((step) => step.dataset.state)).toEqual(["done", "done", "stopped", "ended"]);
    expect(steps[2]).toHaveAttribute("aria-current", "step");
    expect(steps[2]).toHaveTextContent("Importing rows (stopped here)");
    expect(steps[3]).toHaveTextContent("Cancelled");
  });

  it("shows a job that failed while validating as stopped there", () => {
    const failed = statusEvent({ status: "failed", total_rows: null, processed_rows: 0, message: "the file is empty" });
    render(<ImportProgress status={failed} />);

    const steps = within(screen.getByRole("list", { name: "Import phases" })).getAllByRole("listitem");
    expect(steps.map((step) => step.dataset.state)).toEqual(["done", "stopped", "pending", "ended"]);
    expect(steps[3]).toHaveTextContent("Failed");
    expect(screen.getByTestId("import-summary")).not.toHaveTextContent("Processed");
  });

  it("stops at the first step before upload", () => {
    const queued = statusEvent({ status: "cancelled", started_at: null, total_rows: null, processed_rows: 0 });
    render(<ImportProgress status={queued} />);

    const steps = within(screen.getByRole("list", { name: "Import phases" })).getAllByRole("listitem");
    expect(steps.map((step) => step.dataset.state)).toEqual(["stopped", "pending", "pending", "ended"]);
  });
});

/** An EventSource stand-in whose events the test sends by hand. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];
  readonly url: string;
  readyState = FakeEventSource.OPEN;
  onerror: (() => void) | null = null;
  private listeners = new Map<string, ((event: MessageEvent) => void)[]>();

  constructor(url: string) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }

  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close() {
    this.readyState = FakeEventSource.CLOSED;
  }

  emit(status: ImportStatus) {
    const event = new MessageEvent("status", { data: JSON.stringify(status) });
    for (const listener of this.listeners.get("status") ?? []) listener(event);
  }
}

function StreamedProgress({ jobId }: { jobId: string }) {
  const { status, transport } = useImportStream(jobId);
  return (
    <>
      <span data-testid="transport">{transport}</span>
      {status ? <ImportProgress status={status} /> : <p>Connecting…</p>}
    </>
  );
}

describe("useImportStream", () => {
  const first = statusEvent({ status: "queued", processed_rows: 0, total_rows: null, progress: 0 });

  beforeEach(() => {
    FakeEventSource.instances = [];
    vi.stubGlobal("EventSource", FakeEventSource);
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(Response.json(first)));
  });

  afterEach(() => vi.unstubAllGlobals());

  it("renders each status event and closes the stream at the end", async () => {
    render(<StreamedProgress jobId={first.job_id} />);
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    const source = FakeEventSource.instances[0];
    expect(source.url).toBe(`/api/imports/${first.job_id}/status-stream`);
    expect(screen.getByTestId("phase-badge")).toHaveTextContent("Queued");

    act(() => source.emit(statusEvent({ processed_rows: 250_000, progress: 0.5, eta_seconds: 45 })));
    expect(screen.getByTestId("rows-processed")).toHaveTextContent("250,000 of 500,000 rows");
    expect(screen.getByText("Time left").nextSibling).toHaveTextContent("45 s");

    act(() => source.emit(statusEvent({ status: "completed", processed_rows: 500_000, progress: 1 })));
    expect(screen.getByTestId("import-summary")).toHaveTextContent("Processed 500,000 rows");
    expect(source.readyState).toBe(FakeEventSource.CLOSED);
    expect(screen.getByTestId("transport")).toHaveTextContent("idle");
  });

  it("falls back to polling the status when the stream closes with an error", async () => {
    render(<StreamedProgress jobId={first.job_id} />);
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    const source = FakeEventSource.instances[0];
    vi.mocked(fetch).mockResolvedValue(Response.json(statusEvent({ processed_rows: 10, progress: 0.1 })));

    act(() => {
      source.readyState = FakeEventSource.CLOSED;
      source.onerror?.();
    });

    await waitFor(() => expect(screen.getByTestId("rows-processed")).toHaveTextContent("10 of 500,000 rows"));
    expect(screen.getByTestId("transport")).toHaveTextContent("polling");
  });
});
