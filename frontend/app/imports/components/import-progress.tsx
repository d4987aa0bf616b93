"use client";

import {
  AlertTriangleIcon,
  CheckCircle2Icon,
  FileDownIcon,
  RotateCcwIcon,
  XCircleIcon,
} from "lucide-react";

import { Button } from "@/components/ui/button";
import { Progress } from "@/components/ui/progress";
import { delimiterName } from "@/lib/csv-header";
import { formatBytes, formatCount, formatDuration } from "@/lib/format";
import { isTerminal, type ImportStatus } from "@/lib/types";
import { cn } from "@/lib/utils";

import { CancelImportDialog } from "./cancel-import-dialog";
import { PHASE_LABELS, PhaseBadge } from "./phase-badge";

const STEPS = [
  { phase: "queued", label: "Uploaded" },
  { phase: "validating", label: "Validating" },
  { phase: "parsing", label: "Importing rows" },
  { phase: "completed", label: "Done" },
] as const;

export type ImportProgressProps = {
  status: ImportStatus;
  onCancel?: () => void;
  onRetry?: () => void;
  /** Presigned address of the CSV error report, once the job has one. */
  errorReportUrl?: string | null;
  busy?: boolean;
  actionError?: string | null;
};

export function ImportProgress({ status, onCancel, onRetry, errorReportUrl, busy, actionError }: ImportProgressProps) {
  const finished = isTerminal(status.status);
  const percent = Math.round((status.progress ?? 0) * 100);
  const issues = status.error_count + status.warning_count;

  return (
    <div className="grid gap-5" data-testid="import-progress">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="truncate font-medium" title={status.file_name}>
            {status.file_name}
          </p>
          <p className="text-xs text-muted-foreground">
            {formatBytes(status.size)}
            {status.delimiter ? ` · ${delimiterName(status.delimiter)}-separated` : ""}
            {status.encoding ? ` · ${status.encoding}` : ""}
          </p>
        </div>
        <PhaseBadge phase={status.status} />
      </div>

      <Stepper status={status} />

      <div className="grid gap-2">
        <div className="flex items-baseline justify-between text-sm">
          <span data-testid="rows-processed">
            <span className="font-semibold tabular-nums">{formatCount(status.processed_rows)}</span>
            <span className="text-muted-foreground"> of {status.total_rows == null ? "…" : formatCount(status.total_rows)} rows</span>
          </span>
          <span className="font-medium tabular-nums">{percent}%</span>
        </div>
        <Progress
          value={percent}
          aria-label="Import progress"
          indicatorClassName={cn(
            status.status === "failed" && "bg-destructive",
            status.status === "cancelled" && "bg-warning",
            status.status === "completed" && "bg-success",
          )}
        />
      </div>

      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Stat label="Rows / second" value={finished ? "–" : formatCount(roundOrNull(status.rows_per_second))} />
        <Stat label="Time left" value={finished ? "–" : formatDuration(status.eta_seconds)} />
        <Stat label="Errors" value={formatCount(status.error_count)} tone={status.error_count > 0 ? "error" : undefined} />
        <Stat label="Warnings" value={formatCount(status.warning_count)} tone={status.warning_count > 0 ? "warning" : undefined} />
      </dl>

      {status.message ? (
        <p
          role={status.status === "failed" ? "alert" : undefined}
          data-testid="import-message"
          className={cn(
            "rounded-md border px-3 py-2 text-sm [overflow-wrap:anywhere]",
            status.status === "failed" ? "border-destructive/30 bg-destructive/5 text-destructive" : "bg-muted",
          )}
        >
          {statusMessage(status)}
        </p>
      ) : null}

      {status.errors.length > 0 ? <IssueList status={status} /> : null}

      {finished ? <Summary status={status} /> : null}

      {actionError ? (
        <p role="alert" className="text-sm text-destructive">
          {actionError}
        </p>
      ) : null}

      <div className="flex flex-wrap gap-2">
        {!finished && onCancel ? (
          <CancelImportDialog
            fileName={status.file_name}
            processedRows={status.processed_rows}
            disabled={busy}
            onConfirm={onCancel}
          />
        ) : null}
        {(status.status === "failed" || status.status === "cancelled") && onRetry ? (
          <Button variant="outline" onClick={onRetry} disabled={busy}>
            <RotateCcwIcon aria-hidden="true" />
            Retry import
          </Button>
        ) : null}
        {issues > 0 && errorReportUrl ? (
          <Button asChild variant="link" className="px-0">
            <a href={errorReportUrl} download>
              <FileDownIcon aria-hidden="true" />
              Download error report
            </a>
          </Button>
        ) : null}
      </div>
    </div>
  );
}

function roundOrNull(value: number | null | undefined): number | null {
  return value == null ? null : Math.round(value);
}

function rowCount(count: number): string {
  return `${formatCount(count)} ${count === 1 ? "row" : "rows"}`;
}

const CANCELLED_MESSAGE = /^cancelled by the user after \d+ rows$/i;
const RETRY_MESSAGE = /^retry requested; resuming after \d+ rows$/i;

/**
 * Returns the job's message for display. The API's known messages are rebuilt from the status
 * fields, so their row counts read "262,826" instead of "262826". Other messages stay as they are.
 */
export function statusMessage(status: ImportStatus): string | null {
  const message = status.message;
  if (!message) return null;
  if (status.status === "cancelled" && CANCELLED_MESSAGE.test(message)) {
    return `Cancelled by the user after ${rowCount(status.processed_rows)}.`;
  }
  if (RETRY_MESSAGE.test(message)) {
    return `Retry requested; resuming after ${rowCount(status.processed_rows)}.`;
  }
  return message;
}

const PHASE_ORDER = ["queued", "validating", "parsing", "completed"];

/**
 * Returns the index in STEPS of the last phase the job reached. The status of a failed or
 * cancelled job no longer names the phase it stopped in, so that phase is read from the fields
 * each phase sets: started_at when validating starts, total_rows once parsing starts.
 */
export function reachedStep(status: ImportStatus): number {
  const running = PHASE_ORDER.indexOf(status.status);
  if (running >= 0) return running;
  if (status.total_rows != null || status.processed_rows > 0) return 2;
  if (status.started_at) return 1;
  return 0;
}

type StepState = "done" | "current" | "stopped" | "pending" | "ended";

const STATE_TEXT: Record<StepState, string> = {
  done: "done",
  current: "in progress",
  stopped: "stopped here",
  pending: "not reached",
  ended: "",
};

function stepStates(status: ImportStatus): StepState[] {
  const reached = reachedStep(status);
  const ended = status.status === "failed" || status.status === "cancelled";
  return STEPS.map((_, index) => {
    if (status.status === "completed" || index < reached) return "done";
    if (index === reached) return ended ? "stopped" : "current";
    if (ended && index === STEPS.length - 1) return "ended";
    return "pending";
  });
}

function Stepper({ status }: { status: ImportStatus }) {
  const states = stepStates(status);
  const cancelled = status.status === "cancelled";
  return (
    <ol className="grid grid-cols-4 gap-2" aria-label="Import phases">
      {STEPS.map((step, index) => {
        const state = states[index];
        const label = state === "ended" ? PHASE_LABELS[status.status] : step.label;
        const stopTone = cancelled ? "bg-warning" : "bg-destructive";
        const textTone = cancelled ? "text-[oklch(0.5_0.12_70)]" : "text-destructive";
        return (
          <li
            key={step.phase}
            data-state={state}
            aria-current={state === "current" || state === "stopped" ? "step" : undefined}
            className="grid gap-1.5"
          >
            <span
              className={cn(
                "h-1 rounded-full bg-muted",
                state === "done" && "bg-success",
                state === "current" && "animate-pulse bg-brand",
                state === "stopped" && stopTone,
              )}
            />
            <span
              className={cn(
                "text-xs text-muted-foreground",
                state !== "pending" && "text-foreground",
                state === "ended" && `font-medium ${textTone}`,
              )}
            >
              {label}
              {STATE_TEXT[state] ? <span className="sr-only"> ({STATE_TEXT[state]})</span> : null}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function Stat({ label, value, tone }: { label: string; value: string; tone?: "error" | "warning" }) {
  return (
    <div className="rounded-lg border bg-muted/30 px-3 py-2">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd
        className={cn(
          "text-lg font-semibold tabular-nums",
          tone === "error" && "text-destructive",
          tone === "warning" && "text-[oklch(0.5_0.12_70)]",
        )}
      >
        {value}
      </dd>
    </div>
  );
}

function IssueList({ status }: { status: ImportStatus }) {
  const more = status.error_count + status.warning_count - status.errors.length;
  return (
    <div className="grid gap-2">
      <h3 className="text-sm font-medium">First problems found</h3>
      <ul className="divide-y rounded-md border text-sm">
        {status.errors.map((issue) => (
          <li key={`${issue.line}-${issue.severity}-${issue.reason}`} className="flex gap-3 px-3 py-2">
            {issue.severity === "error" ? (
              <XCircleIcon className="mt-0.5 size-4 shrink-0 text-destructive" aria-label="Error" />
            ) : (
              <AlertTriangleIcon className="mt-0.5 size-4 shrink-0 text-warning" aria-label="Warning" />
            )}
            <span className="w-16 shrink-0 text-muted-foreground tabular-nums">Line {issue.line}</span>
            <span>{issue.reason}</span>
          </li>
        ))}
      </ul>
      {more > 0 ? (
        <p className="text-xs text-muted-foreground">…and {formatCount(more)} more in the error report.</p>
      ) : null}
    </div>
  );
}

function Summary({ status }: { status: ImportStatus }) {
  let tone: "success" | "error" | "neutral" = "neutral";
  if (status.status === "completed") tone = "success";
  else if (status.status === "failed") tone = "error";
  const details = status.status === "completed" || status.processed_rows > 0 ? summaryDetails(status) : null;
  return (
    <div
      data-testid="import-summary"
      className={cn(
        "flex gap-3 rounded-lg border px-4 py-3 text-sm",
        tone === "success" && "border-success/30 bg-success/5",
        tone === "error" && "border-destructive/30 bg-destructive/5",
      )}
    >
      {tone === "success" ? (
        <CheckCircle2Icon className="mt-0.5 size-5 shrink-0 text-success" aria-hidden="true" />
      ) : (
        <XCircleIcon className="mt-0.5 size-5 shrink-0 text-destructive" aria-hidden="true" />
      )}
      <div>
        <p className="font-medium">{summaryTitle(status)}</p>
        {details ? <p className="text-muted-foreground">{details}</p> : null}
      </div>
    </div>
  );
}

function summaryTitle(status: ImportStatus): string {
  if (status.status === "completed") return "Import completed";
  if (status.status === "cancelled") return "Import cancelled";
  return "Import failed";
}

/**
 * Builds one sentence of counts, such as "Processed 9 rows: 5 imported into 4 products
 * (0 created, 4 updated; 1 row superseded by a later row with the same SKU), 4 skipped with
 * errors, 1 warning." The pipeline records one error per skipped row. Created and updated are
 * final counts of products that the API sends as null until the job ends, so they appear only
 * when known.
 */
export function summaryDetails(status: ImportStatus): string {
  const imported = Math.max(0, status.processed_rows - status.error_count);
  let split = "";
  if (status.created != null && status.updated != null) {
    const products = status.created + status.updated;
    const superseded = imported - products;
    const supersededText =
      superseded > 0
        ? `; ${rowCount(superseded)} superseded by a later row with the same SKU`
        : "";
    split =
      ` into ${formatCount(products)} ${products === 1 ? "product" : "products"}` +
      ` (${formatCount(status.created)} created, ${formatCount(status.updated)} updated${supersededText})`;
  }
  const warnings = `${formatCount(status.warning_count)} ${status.warning_count === 1 ? "warning" : "warnings"}`;
  return (
    `Processed ${rowCount(status.processed_rows)}: ${formatCount(imported)} imported${split}, ` +
    `${formatCount(status.error_count)} skipped with errors, ${warnings}.`
  );
}
