"use client";

import * as React from "react";
import { Trash2Icon } from "lucide-react";

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
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

/** The word the user types to confirm deleting every product. */
export const CONFIRMATION_WORD = "DELETE";

export type DeleteAllDialogProps = {
  total: number;
  onConfirm: () => Promise<void>;
};

export function DeleteAllDialog({ total, onConfirm }: DeleteAllDialogProps) {
  const [open, setOpen] = React.useState(false);
  const [typed, setTyped] = React.useState("");
  const [error, setError] = React.useState<string | null>(null);
  const [deleting, setDeleting] = React.useState(false);
  const confirmed = typed === CONFIRMATION_WORD;

  function handleOpenChange(next: boolean) {
    setOpen(next);
    setTyped("");
    setError(null);
  }

  async function handleConfirm(event: React.SyntheticEvent) {
    event.preventDefault();
    if (!confirmed) return;
    setDeleting(true);
    try {
      await onConfirm();
      handleOpenChange(false);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setDeleting(false);
    }
  }

  return (
    <AlertDialog open={open} onOpenChange={handleOpenChange}>
      <AlertDialogTrigger asChild>
        <Button variant="outline" className="text-destructive hover:text-destructive">
          <Trash2Icon aria-hidden="true" />
          Delete all
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <form onSubmit={handleConfirm} className="grid gap-4">
          <AlertDialogHeader>
            <AlertDialogTitle>Delete all products?</AlertDialogTitle>
            <AlertDialogDescription>
              This permanently deletes every product in the catalogue
              {total > 0 ? ` (${total.toLocaleString("en-US")} in total)` : ""}. It cannot be undone.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <div className="grid gap-2">
            <Label htmlFor="delete-all-confirmation">
              Type <span className="font-mono font-semibold">{CONFIRMATION_WORD}</span> to confirm
            </Label>
            <Input
              id="delete-all-confirmation"
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              autoComplete="off"
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "delete-all-error" : undefined}
            />
            {error ? (
              <p id="delete-all-error" role="alert" className="text-sm text-destructive">
                {error}
              </p>
            ) : null}
          </div>
          <AlertDialogFooter>
            <AlertDialogCancel type="button">Cancel</AlertDialogCancel>
            <AlertDialogAction type="submit" disabled={!confirmed || deleting} onClick={handleConfirm}>
              {deleting ? "Deleting…" : "Delete all products"}
            </AlertDialogAction>
          </AlertDialogFooter>
        </form>
      </AlertDialogContent>
    </AlertDialog>
  );
}
