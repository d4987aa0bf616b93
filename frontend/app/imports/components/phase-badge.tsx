import { Badge, type BadgeProps } from "@/components/ui/badge";
import type { ImportPhase } from "@/lib/types";

export const PHASE_LABELS: Record<ImportPhase, string> = {
  queued: "Queued",
  validating: "Validating",
  parsing: "Importing",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
};

const PHASE_VARIANTS: Record<ImportPhase, BadgeProps["variant"]> = {
  queued: "muted",
  validating: "info",
  parsing: "info",
  completed: "success",
  failed: "destructive",
  cancelled: "warning",
};

export function PhaseBadge({ phase }: { phase: ImportPhase }) {
  const running = phase === "queued" || phase === "validating" || phase === "parsing";
  return (
    <Badge variant={PHASE_VARIANTS[phase] ?? "muted"} data-testid="phase-badge">
      {running ? <span className="size-1.5 animate-pulse rounded-full bg-current" aria-hidden="true" /> : null}
      {PHASE_LABELS[phase] ?? phase}
    </Badge>
  );
}
