"use client";

import * as React from "react";
import { CheckCircle2Icon, XCircleIcon, XIcon } from "lucide-react";

import { cn } from "@/lib/utils";

export type NoticeMessage = { kind: "success" | "error"; text: string; id: number };

/** A transient message in the corner; screen readers hear it through the live region. */
export function Notice({ notice, onDismiss }: { notice: NoticeMessage | null; onDismiss: () => void }) {
  React.useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(onDismiss, 5000);
    return () => window.clearTimeout(timer);
  }, [notice, onDismiss]);

  return (
    <div aria-live="polite" role="status" className="pointer-events-none fixed right-4 bottom-4 z-[60]">
      {notice ? (
        <div
          className={cn(
            "pointer-events-auto flex max-w-sm items-start gap-3 rounded-lg border bg-card px-4 py-3 text-sm shadow-lg",
            notice.kind === "error" && "border-destructive/30",
          )}
        >
          {notice.kind === "success" ? (
            <CheckCircle2Icon className="mt-0.5 size-4 text-success" aria-hidden="true" />
          ) : (
            <XCircleIcon className="mt-0.5 size-4 text-destructive" aria-hidden="true" />
          )}
          <p className="flex-1">{notice.text}</p>
          <button
            type="button"
            onClick={onDismiss}
            className="rounded-sm text-muted-foreground hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 focus-visible:outline-none"
          >
            <XIcon className="size-4" aria-hidden="true" />
            <span className="sr-only">Dismiss</span>
          </button>
        </div>
      ) : null}
    </div>
  );
}

export function useNotice() {
  const [notice, setNotice] = React.useState<NoticeMessage | null>(null);
  const show = React.useCallback((kind: NoticeMessage["kind"], text: string) => {
    setNotice({ kind, text, id: Date.now() });
  }, []);
  const dismiss = React.useCallback(() => setNotice(null), []);
  return { notice, show, dismiss };
}
