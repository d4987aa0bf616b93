"use client";

import {
  AlertTriangleIcon,
  BanIcon,
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

import { PhaseBadge } from "./phase-badge";

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

      <Stepper phase={status.status} />

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
          className={cn(
            "rounded-md border px-3 py-2 text-sm",
            status.status === "failed" ? "border-destructive/30 bg-destructive/5 text-destructive" : "bg-muted",
          )}
        >
          {status.message}
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
          <Button variant="outline" onClick={onCancel} disabled={busy}>
            <BanIcon aria-hidden="true" />
            Cancel import
          </Button>
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

function Stepper({ phase }: { phase: ImportStatus["status"] }) {
  const order = ["queued", "validating", "parsing", "completed"];
  const reached = phase === "failed" || phase === "cancelled" ? -1 : order.indexOf(phase);
  return (
    <ol className="grid grid-cols-4 gap-2" aria-label="Import phases">
      {STEPS.map((step, index) => {
        const done = index < reached || phase === "completed";
        const current = index === reached && phase !== "completed";
        return (
          <li key={step.phase} aria-current={current ? "step" : undefined} className="grid gap-1.5">
            <span
              className={cn(
                "h-1 rounded-full bg-muted",
                done && "bg-success",
                current && "animate-pulse bg-brand",
              )}
            />
            <span className={cn("text-xs text-muted-foreground", (done || current) && "text-foreground")}>
              {step.label}
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
        <p className="text-muted-foreground">
          {formatCount(status.created)} created · {formatCount(status.updated)} updated ·{" "}
          {formatCount(status.error_count)} {status.error_count === 1 ? "error" : "errors"} ·{" "}
          {formatCount(status.warning_count)} {status.warning_count === 1 ? "warning" : "warnings"}
        </p>
      </div>
    </div>
  );
}

function summaryTitle(status: ImportStatus): string {
  if (status.status === "completed") return `Imported ${formatCount(status.processed_rows)} rows`;
  if (status.status === "cancelled") return `Cancelled after ${formatCount(status.processed_rows)} rows`;
  return "Import failed";
}
