"use client";

import * as React from "react";
import { UploadCloudIcon, XIcon } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Progress } from "@/components/ui/progress";
import * as api from "@/lib/api";
import { checkFileHeader, type HeaderCheck } from "@/lib/csv-header";
import { formatBytes } from "@/lib/format";
import { uploadToPresignedPost, UploadError, type UploadHandle, type UploadProgress } from "@/lib/upload";

import { DropZone } from "./drop-zone";
import { HeaderCheckResult } from "./header-check-result";

type Upload = { jobId: string; handle: UploadHandle; progress: UploadProgress };

/** Picks a file, checks its header row, then uploads it and reports the new job's id. */
export function FileUpload({ onUploaded }: { onUploaded: (jobId: string) => void }) {
  const [file, setFile] = React.useState<File | null>(null);
  const [check, setCheck] = React.useState<HeaderCheck | null>(null);
  const [upload, setUpload] = React.useState<Upload | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [starting, setStarting] = React.useState(false);

  async function chooseFile(next: File) {
    setFile(next);
    setCheck(null);
    setError(null);
    if (!next.name.toLowerCase().endsWith(".csv")) {
      setError(`File '${next.name}' is not a .csv file; choose a CSV export.`);
      return;
    }
    try {
      setCheck(await checkFileHeader(next));
    } catch (failure) {
      setError(`Could not read '${next.name}': ${(failure as Error).message}`);
    }
  }

  async function startUpload() {
    if (!file) return;
    setStarting(true);
    setError(null);
    try {
      const presigned = await api.createImport(file.name, file.size);
      const handle = uploadToPresignedPost(presigned.upload.url, presigned.upload.fields, file, (progress) =>
        setUpload((current) => (current ? { ...current, progress } : current)),
      );
      setUpload({ jobId: presigned.job_id, handle, progress: { loaded: 0, total: file.size } });
      setStarting(false);
      await handle.done;
      setUpload(null);
      setFile(null);
      setCheck(null);
      onUploaded(presigned.job_id);
    } catch (failure) {
      setStarting(false);
      setUpload((current) => {
        // The job never got its file, so it is cancelled rather than left queued.
        if (current) api.cancelImport(current.jobId).catch(() => undefined);
        return null;
      });
      const aborted = failure instanceof UploadError && failure.aborted;
      setError(aborted ? "Upload cancelled." : (failure as Error).message);
    }
  }

  if (upload) return <UploadProgressView upload={upload} fileName={file?.name ?? ""} />;

  return (
    <div className="grid min-w-0 gap-4">
      <DropZone onFile={chooseFile} disabled={starting} />
      {file && check ? <HeaderCheckResult file={file} check={check} /> : null}
      {error ? (
        <p role="alert" className="text-sm [overflow-wrap:anywhere] text-destructive">
          {error}
        </p>
      ) : null}
      {file && check?.ok ? (
        <div className="flex gap-2">
          <Button onClick={startUpload} disabled={starting}>
            <UploadCloudIcon aria-hidden="true" />
            {starting ? "Starting…" : "Upload and import"}
          </Button>
          <Button
            variant="ghost"
            onClick={() => {
              setFile(null);
              setCheck(null);
            }}
          >
            Clear
          </Button>
        </div>
      ) : null}
    </div>
  );
}

function UploadProgressView({ upload, fileName }: { upload: Upload; fileName: string }) {
  const { loaded, total } = upload.progress;
  const percent = total > 0 ? Math.round((loaded / total) * 100) : 0;
  return (
    <div className="grid gap-3 rounded-lg border px-4 py-4" data-testid="upload-progress">
      <div className="flex items-center justify-between gap-3">
        <div className="min-w-0">
          <p className="truncate font-medium">Uploading {fileName}</p>
          <p className="text-xs text-muted-foreground tabular-nums">
            {formatBytes(loaded)} of {formatBytes(total)} · {percent}%
          </p>
        </div>
        <Button variant="outline" size="sm" onClick={() => upload.handle.abort()}>
          <XIcon aria-hidden="true" />
          Abort upload
        </Button>
      </div>
      <Progress value={percent} aria-label="Upload progress" />
    </div>
  );
}
