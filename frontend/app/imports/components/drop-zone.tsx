"use client";

import * as React from "react";
import { FileUpIcon } from "lucide-react";

import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

export type DropZoneProps = {
  onFile: (file: File) => void;
  disabled?: boolean;
};

/** A drop target for one CSV file, with a button that opens the file picker. */
export function DropZone({ onFile, disabled }: DropZoneProps) {
  const inputRef = React.useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = React.useState(false);

  function handleDrop(event: React.DragEvent) {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file && !disabled) onFile(file);
  }

  return (
    <div
      data-testid="drop-zone"
      onDragOver={(event) => {
        event.preventDefault();
        if (!disabled) setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={handleDrop}
      className={cn(
        "flex flex-col items-center gap-3 rounded-xl border-2 border-dashed bg-muted/30 px-6 py-10 text-center transition-colors",
        dragging && "border-brand bg-brand/5",
        disabled && "opacity-60",
      )}
    >
      <div className="flex size-12 items-center justify-center rounded-full bg-card shadow-xs">
        <FileUpIcon className="size-6 text-brand" aria-hidden="true" />
      </div>
      <div className="space-y-1">
        <p className="font-medium">Drop a CSV file here</p>
        <p className="text-sm text-muted-foreground">
          Columns sku, name and price (description optional). Shopify and WooCommerce column names
          are recognised. Up to 500 MB.
        </p>
      </div>
      <input
        ref={inputRef}
        id="import-file"
        type="file"
        accept=".csv,text/csv"
        className="sr-only"
        tabIndex={-1}
        aria-label="CSV file"
        disabled={disabled}
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) onFile(file);
          event.target.value = "";
        }}
      />
      <Button variant="outline" disabled={disabled} onClick={() => inputRef.current?.click()}>
        Choose file
      </Button>
    </div>
  );
}
