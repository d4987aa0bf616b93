/** Shapes of the FullFill API's JSON, as the products and imports routes return them. */

export type Product = {
  sku: string;
  name: string;
  description: string | null;
  /** Decimal string such as "19.90", or null when the product has no price. */
  price: string | null;
  active: boolean;
  created_at: string;
  updated_at: string;
};

export type Page<T> = {
  items: T[];
  page: number;
  page_size: number;
  total: number;
  pages: number;
  /** True when a search matched so many rows that `total` and `pages` are estimates. */
  total_is_estimate?: boolean;
};

export type ProductInput = {
  sku: string;
  name: string;
  description: string;
  price: string | null;
  active: boolean;
};

/** The fields a partial update (PUT) sends; omitted fields keep their stored value. */
export type ProductChanges = Partial<Omit<ProductInput, "sku">>;

export type StatusFilter = "all" | "active" | "inactive";

export type ImportPhase = "queued" | "validating" | "parsing" | "completed" | "failed" | "cancelled";

export type ImportIssue = {
  line: number;
  severity: "error" | "warning" | string;
  reason: string;
};

export type ImportStatus = {
  job_id: string;
  status: ImportPhase;
  file_name: string;
  size: number;
  total_rows: number | null;
  processed_rows: number;
  /** Products the job created and updated: final counts, null until the job has ended. */
  created: number | null;
  updated: number | null;
  error_count: number;
  warning_count: number;
  errors: ImportIssue[];
  message: string | null;
  progress: number;
  encoding: string | null;
  delimiter: string | null;
  column_map: Record<string, string> | null;
  created_at: string | null;
  updated_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  retry_until?: string | null;
  /** Only on stream events: the recent import rate and the estimated seconds left. */
  rows_per_second?: number | null;
  eta_seconds?: number | null;
};

export type PresignedUpload = {
  job_id: string;
  upload: { url: string; fields: Record<string, string> };
  expires_at: string;
};

export const TERMINAL_PHASES: readonly ImportPhase[] = ["completed", "failed", "cancelled"];

export function isTerminal(phase: ImportPhase): boolean {
  return TERMINAL_PHASES.includes(phase);
}
