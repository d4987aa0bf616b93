"use client";

import * as React from "react";

import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";

export type DeleteProductDialogProps = {
  sku: string | null;
  onOpenChange: (open: boolean) => void;
  onConfirm: (sku: string) => Promise<void>;
};

export function DeleteProductDialog({ sku, onOpenChange, onConfirm }: DeleteProductDialogProps) {
  const [error, setError] = React.useState<string | null>(null);
  const [deleting, setDeleting] = React.useState(false);

  React.useEffect(() => setError(null), [sku]);

  async function handleConfirm(event: React.MouseEvent) {
    // Keep the dialog open until the request finishes so a failure can be shown in it.
    event.preventDefault();
    if (!sku) return;
    setDeleting(true);
    try {
      await onConfirm(sku);
      onOpenChange(false);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setDeleting(false);
    }
  }

  return (
    <AlertDialog open={sku !== null} onOpenChange={onOpenChange}>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Delete product {sku}?</AlertDialogTitle>
          <AlertDialogDescription>
            Product <span className="font-mono font-medium text-foreground">{sku}</span> will be removed
            from the catalogue. This cannot be undone.
          </AlertDialogDescription>
        </AlertDialogHeader>
        {error ? (
          <p role="alert" className="text-sm text-destructive">
            {error}
          </p>
        ) : null}
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <AlertDialogAction onClick={handleConfirm} disabled={deleting}>
            {deleting ? "Deleting…" : "Delete product"}
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
