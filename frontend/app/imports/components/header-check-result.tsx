import { CheckCircle2Icon, XCircleIcon } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import {
  delimiterName,
  FIELDS,
  REQUIRED_FIELDS,
  shortenName,
  type HeaderCheck,
  type ProductField,
} from "@/lib/csv-header";
import { formatBytes, formatCount } from "@/lib/format";
import { cn } from "@/lib/utils";

export function HeaderCheckResult({ file, check }: { file: File; check: HeaderCheck }) {
  return (
    <div
      data-testid="header-check"
      className={cn(
        "grid min-w-0 gap-3 rounded-lg border px-4 py-3",
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
          <p className="truncate font-medium" title={file.name}>
            {file.name}
          </p>
          <p className="text-xs text-muted-foreground">{fileFacts(file, check)}</p>
        </div>
      </div>
      {check.problem ? (
        <p role="alert" className="text-sm font-medium [overflow-wrap:anywhere] text-destructive">
          {check.problem}
        </p>
      ) : null}
      {check.binary ? null : <ColumnMapping check={check} />}
    </div>
  );
}

function fileFacts(file: File, check: HeaderCheck): string {
  const size = formatBytes(file.size);
  if (check.binary) return `${size} · not text`;
  const count = check.columns.length;
  const columns = `${formatCount(count)} ${count === 1 ? "column" : "columns"}`;
  return `${size} · ${delimiterName(check.delimiter)}-separated · ${columns}`;
}

function ColumnMapping({ check }: { check: HeaderCheck }) {
  return (
    <ul className="flex min-w-0 flex-wrap gap-2" aria-label="Column mapping">
      {FIELDS.map((field) => (
        <li key={field} className="min-w-0 max-w-full">
          <FieldBadge field={field} check={check} />
        </li>
      ))}
    </ul>
  );
}

function FieldBadge({ field, check }: { field: ProductField; check: HeaderCheck }) {
  const column = check.columnMap[field];
  const required = REQUIRED_FIELDS.includes(field);
  let variant: "success" | "destructive" | "muted" = "muted";
  if (column) variant = check.duplicates.includes(field) ? "destructive" : "success";
  else if (required) variant = "destructive";

  let detail = required ? " missing" : " not present";
  if (column) detail = column.toLowerCase() === field ? "" : ` ← ${shortenName(column)}`;
  return (
    <Badge variant={variant} className="max-w-full" title={column}>
      <span className="truncate">
        {field}
        {detail}
      </span>
    </Badge>
  );
}
