import { CheckCircle2Icon, XCircleIcon } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import { delimiterName, REQUIRED_FIELDS, type HeaderCheck, type ProductField } from "@/lib/csv-header";
import { formatBytes } from "@/lib/format";
import { cn } from "@/lib/utils";

const FIELDS: ProductField[] = ["sku", "name", "price", "description"];

export function HeaderCheckResult({ file, check }: { file: File; check: HeaderCheck }) {
  return (
    <div
      data-testid="header-check"
      className={cn(
        "grid gap-3 rounded-lg border px-4 py-3",
        check.ok ? "border-success/30 bg-success/5" : "border-destructive/30 bg-destructive/5",
      )}
    >
      <div className="flex items-start gap-3">
        {check.ok ? (
          <CheckCircle2Icon className="mt-0.5 size-5 shrink-0 text-success" aria-hidden="true" />
        ) : (
          <XCircleIcon className="mt-0.5 size-5 shrink-0 text-destructive" aria-hidden="true" />
        )}
        <div className="min-w-0 flex-1">
          <p className="truncate font-medium">{file.name}</p>
          <p className="text-xs text-muted-foreground">
            {formatBytes(file.size)} · {delimiterName(check.delimiter)}-separated · {check.columns.length}{" "}
            columns
          </p>
        </div>
      </div>
      {check.problem ? (
        <p role="alert" className="text-sm font-medium text-destructive">
          {check.problem}
        </p>
      ) : null}
      <ul className="flex flex-wrap gap-2" aria-label="Column mapping">
        {FIELDS.map((field) => {
          const column = check.columnMap[field];
          const required = REQUIRED_FIELDS.includes(field);
          return (
            <li key={field}>
              <Badge variant={column ? "success" : required ? "destructive" : "muted"}>
                {field}
                {column && column.toLowerCase() !== field ? ` ← ${column}` : ""}
                {!column ? (required ? " missing" : " not present") : ""}
              </Badge>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
