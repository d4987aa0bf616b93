"use client";

import * as React from "react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { ArrowRightIcon } from "lucide-react";

import { PageHeader } from "@/components/app/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import * as api from "@/lib/api";
import { isTerminal, type ImportStatus } from "@/lib/types";

import { FileUpload } from "./file-upload";
import { ImportProgress } from "./import-progress";
import { RecentImports } from "./recent-imports";
import { useImportStream } from "./use-import-stream";

function useRecentImports() {
  const [imports, setImports] = React.useState<ImportStatus[] | null>(null);
  const [error, setError] = React.useState<string | null>(null);

  const refresh = React.useCallback(async () => {
    try {
      const page = await api.listImports(1, 10);
      setImports(page.items);
      setError(null);
      return page.items;
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      return null;
    }
  }, []);

  return { imports, error, refresh };
}

export function ImportView() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const jobId = searchParams.get("job");
  const recent = useRecentImports();
  const [restartKey, setRestartKey] = React.useState(0);
  const stream = useImportStream(jobId, restartKey);

  const selectJob = React.useCallback(
    (id: string) => router.replace(`${pathname}?job=${encodeURIComponent(id)}`, { scroll: false }),
    [pathname, router],
  );

  // After a reload without a job in the URL, reconnect to the newest import still running.
  React.useEffect(() => {
    recent.refresh().then((items) => {
      const running = items?.find((job) => !isTerminal(job.status));
      if (running && !jobId) selectJob(running.job_id);
    });
  }, []);

  const phase = stream.status?.status;
  React.useEffect(() => {
    if (phase) void recent.refresh();
  }, [phase, recent.refresh]);

  return (
    <>
      <PageHeader
        title="Import"
        description="Upload a product CSV. Existing SKUs are updated, new ones are created."
      />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <Card>
          <CardHeader>
            <CardTitle>Upload a file</CardTitle>
            <CardDescription>The header row is checked before anything is uploaded.</CardDescription>
          </CardHeader>
          <CardContent>
            <FileUpload onUploaded={selectJob} />
          </CardContent>
        </Card>
        <Card aria-live="polite">
          <CardHeader>
            <CardTitle>Progress</CardTitle>
            <CardDescription>Live from the import pipeline.</CardDescription>
          </CardHeader>
          <CardContent>
            <JobPanel
              jobId={jobId}
              stream={stream}
              onRestart={() => setRestartKey((key) => key + 1)}
            />
          </CardContent>
        </Card>
      </div>
      <Card className="mt-6 overflow-hidden">
        <RecentImports
          imports={withLiveStatus(recent.imports, stream.status)}
          error={recent.error}
          selectedJobId={jobId}
          onSelect={selectJob}
          onRefresh={() => void recent.refresh()}
        />
      </Card>
    </>
  );
}

function JobPanel({
  jobId,
  stream,
  onRestart,
}: {
  jobId: string | null;
  stream: ReturnType<typeof useImportStream>;
  onRestart: () => void;
}) {
  const [busy, setBusy] = React.useState(false);
  const [actionError, setActionError] = React.useState<string | null>(null);

  const reportUrl = useErrorReportUrl(jobId, stream.status);

  React.useEffect(() => setActionError(null), [jobId]);

  if (!jobId) {
    return (
      <p className="py-10 text-center text-sm text-muted-foreground">
        Choose a file to start an import, or open a recent one below.
      </p>
    );
  }
  if (!stream.status) {
    return stream.error ? (
      <p role="alert" className="text-sm text-destructive">{stream.error}</p>
    ) : (
      <p className="py-10 text-center text-sm text-muted-foreground">Connecting…</p>
    );
  }

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setActionError(null);
    try {
      await action();
    } catch (failure) {
      setActionError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }

  const id = jobId;
  return (
    <div className="grid gap-4">
      <ImportProgress
        status={stream.status}
        busy={busy}
        actionError={actionError}
        onCancel={() => run(async () => stream.setStatus(await api.cancelImport(id)))}
        onRetry={() =>
          run(async () => {
            await api.retryImport(id);
            onRestart();
          })
        }
        errorReportUrl={reportUrl}
      />
      {stream.status.status === "completed" ? (
        <Button asChild variant="outline" className="w-fit">
          <Link href="/products">
            View products
            <ArrowRightIcon aria-hidden="true" />
          </Link>
        </Button>
      ) : null}
    </div>
  );
}

/** Fetches the error report's address once a finished job has errors or warnings. */
function useErrorReportUrl(jobId: string | null, status: ImportStatus | null): string | null {
  const [url, setUrl] = React.useState<string | null>(null);
  const finished = status ? isTerminal(status.status) : false;
  const issues = status ? status.error_count + status.warning_count : 0;

  React.useEffect(() => {
    setUrl(null);
    if (!jobId || !finished || issues === 0) return;
    let current = true;
    api
      .errorReport(jobId)
      .then((report) => current && setUrl(report.url))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [jobId, finished, issues]);

  return url;
}

/** Shows the followed job's live status in the recent list instead of the last fetched one. */
function withLiveStatus(imports: ImportStatus[] | null, live: ImportStatus | null): ImportStatus[] | null {
  if (!imports || !live) return imports;
  return imports.map((job) => (job.job_id === live.job_id ? live : job));
}
