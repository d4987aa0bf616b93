"use client";

import { RefreshCwIcon } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatCount, formatDateTime } from "@/lib/format";
import type { ImportStatus } from "@/lib/types";
import { cn } from "@/lib/utils";

import { PhaseBadge } from "./phase-badge";

export type RecentImportsProps = {
  imports: ImportStatus[] | null;
  error: string | null;
  selectedJobId: string | null;
  onSelect: (jobId: string) => void;
  onRefresh: () => void;
};

export function RecentImports({ imports, error, selectedJobId, onSelect, onRefresh }: RecentImportsProps) {
  return (
    <div>
      <div className="flex items-center justify-between px-6 pt-5 pb-3">
        <div>
          <h2 className="text-base font-semibold">Recent imports</h2>
          <p className="text-sm text-muted-foreground">Newest first. Open one to follow its progress.</p>
        </div>
        <Button variant="ghost" size="icon-sm" onClick={onRefresh}>
          <RefreshCwIcon aria-hidden="true" />
          <span className="sr-only">Refresh recent imports</span>
        </Button>
      </div>
      {error ? (
        <p role="alert" className="px-6 pb-6 text-sm text-destructive">
          Could not load recent imports: {error}
        </p>
      ) : imports && imports.length === 0 ? (
        <p className="px-6 pb-6 text-sm text-muted-foreground">No imports yet.</p>
      ) : (
        <Table aria-label="Recent imports">
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead>File</TableHead>
              <TableHead>Status</TableHead>
              <TableHead className="text-right">Rows</TableHead>
              <TableHead className="text-right">Errors</TableHead>
              <TableHead>Started</TableHead>
              <TableHead><span className="sr-only">Actions</span></TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {imports === null
              ? Array.from({ length: 3 }, (_, index) => (
                  <TableRow key={index}>
                    <TableCell colSpan={6}><Skeleton className="h-4 w-full" /></TableCell>
                  </TableRow>
                ))
              : imports.map((job) => (
                  <TableRow
                    key={job.job_id}
                    data-testid="recent-import"
                    className={cn(job.job_id === selectedJobId && "bg-brand/5 hover:bg-brand/5")}
                  >
                    <TableCell className="max-w-56 truncate font-medium" title={job.file_name}>
                      {job.file_name}
                    </TableCell>
                    <TableCell><PhaseBadge phase={job.status} /></TableCell>
                    <TableCell className="text-right tabular-nums">
                      {formatCount(job.processed_rows)}
                      {job.total_rows != null ? ` / ${formatCount(job.total_rows)}` : ""}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{formatCount(job.error_count)}</TableCell>
                    <TableCell className="text-muted-foreground">{formatDateTime(job.created_at)}</TableCell>
                    <TableCell className="text-right">
                      <Button
                        variant="ghost"
                        size="sm"
                        onClick={() => onSelect(job.job_id)}
                        aria-label={`Open import ${job.file_name}`}
                      >
                        Open
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
          </TableBody>
        </Table>
      )}
    </div>
  );
}
