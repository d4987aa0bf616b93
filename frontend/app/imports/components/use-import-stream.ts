"use client";

import * as React from "react";

import * as api from "@/lib/api";
import { isTerminal, type ImportStatus } from "@/lib/types";

/** Polling interval used when the progress stream cannot be reached, in milliseconds. */
const POLL_INTERVAL_MS = 2000;
/** Stream errors in a row, without an event in between, before falling back to polling. */
const MAX_STREAM_ERRORS = 3;

export type StreamState = {
  status: ImportStatus | null;
  error: string | null;
  /** "stream" while events arrive over SSE, "polling" after falling back to the status route. */
  transport: "stream" | "polling" | "idle";
};

/**
 * Follows one import job: reads its status once, then listens to its progress stream until the
 * job ends. EventSource reconnects on its own and sends Last-Event-ID, so the server resumes.
 */
export function useImportStream(jobId: string | null, restartKey = 0): StreamState & {
  setStatus: (status: ImportStatus) => void;
} {
  const [status, setStatus] = React.useState<ImportStatus | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [transport, setTransport] = React.useState<StreamState["transport"]>("idle");

  React.useEffect(() => {
    if (!jobId) return;
    let closed = false;
    let source: EventSource | null = null;
    let pollTimer: number | undefined;
    let streamErrors = 0;
    setStatus(null);
    setError(null);

    const stop = () => {
      closed = true;
      source?.close();
      window.clearTimeout(pollTimer);
      setTransport("idle");
    };

    const accept = (next: ImportStatus) => {
      if (closed) return;
      setStatus((previous) => mergeStatus(previous, next));
      setError(null);
      if (isTerminal(next.status)) stop();
    };

    const poll = async () => {
      try {
        accept(await api.importStatus(jobId));
      } catch (failure) {
        if (!closed) setError(failure instanceof Error ? failure.message : String(failure));
      }
      if (!closed) pollTimer = window.setTimeout(poll, POLL_INTERVAL_MS);
    };

    const listen = () => {
      source = new EventSource(api.statusStreamPath(jobId));
      setTransport("stream");
      source.addEventListener("status", (event) => {
        streamErrors = 0;
        accept(JSON.parse((event as MessageEvent<string>).data) as ImportStatus);
      });
      source.onerror = () => {
        streamErrors++;
        if (closed || (source?.readyState !== EventSource.CLOSED && streamErrors < MAX_STREAM_ERRORS)) {
          return;
        }
        source?.close();
        setTransport("polling");
        void poll();
      };
    };

    api
      .importStatus(jobId)
      .then((first) => {
        accept(first);
        if (!closed) listen();
      })
      .catch((failure: unknown) => {
        if (!closed) setError(failure instanceof Error ? failure.message : String(failure));
      });

    return stop;
  }, [jobId, restartKey]);

  return { status, error, transport, setStatus };
}

/** Keeps the rate and ETA from stream events when a plain status answer (without them) follows. */
function mergeStatus(previous: ImportStatus | null, next: ImportStatus): ImportStatus {
  if (!previous || previous.job_id !== next.job_id) return next;
  return {
    ...next,
    rows_per_second: next.rows_per_second ?? (isTerminal(next.status) ? null : previous.rows_per_second),
    eta_seconds: next.eta_seconds ?? (isTerminal(next.status) ? null : previous.eta_seconds),
  };
}
