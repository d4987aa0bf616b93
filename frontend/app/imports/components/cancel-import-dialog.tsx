"use client";

import { BanIcon } from "lucide-react";

import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { formatCount } from "@/lib/format";

export type CancelImportDialogProps = {
  fileName: string;
  processedRows: number;
  disabled?: boolean;
  onConfirm: () => void;
};

/** The "Cancel import" button, which opens a confirmation before it cancels the job. */
export function CancelImportDialog({ fileName, processedRows, disabled, onConfirm }: CancelImportDialogProps) {
  return (
    <AlertDialog>
      <AlertDialogTrigger asChild>
        <Button variant="outline" disabled={disabled}>
          <BanIcon aria-hidden="true" />
          Cancel import
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Cancel this import?</AlertDialogTitle>
          <AlertDialogDescription className="[overflow-wrap:anywhere]">
            The import of {fileName} stops at once: batches still being written are dropped.
            The rows imported until then ({formatCount(processedRows)} so far) stay in the
            catalogue, and a retry later continues where the import stopped.
          </AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>Keep importing</AlertDialogCancel>
          <AlertDialogAction onClick={onConfirm}>Cancel import</AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
