import type {
  ImportStatus,
  Page,
  PresignedUpload,
  Product,
  ProductChanges,
  ProductInput,
  StatusFilter,
} from "@/lib/types";

/** An API response with a status other than 2xx, with the server's message and per-field errors. */
export class ApiError extends Error {
  readonly status: number;
  readonly fieldErrors: Record<string, string>;

  constructor(status: number, message: string, fieldErrors: Record<string, string> = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.fieldErrors = fieldErrors;
  }
}

async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const record = (body ?? {}) as { message?: unknown; Message?: unknown; errors?: unknown };
  const message = record.message ?? record.Message;
  const errors = record.errors;
  return new ApiError(
    response.status,
    typeof message === "string" && message
      ? message
      : `request failed with HTTP ${response.status} ${response.statusText}`.trim(),
    errors && typeof errors === "object" ? (errors as Record<string, string>) : {},
  );
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.body !== undefined) headers.set("Content-Type", "application/json");
  headers.set("Accept", "application/json");

  const response = await fetch(path, { ...init, headers, cache: "no-store" });
  if (!response.ok) throw await errorFrom(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export function productPath(sku: string): string {
  return `/api/products/${encodeURIComponent(sku)}`;
}

/** The API's limits on list parameters (MAX_PAGE and MAX_SEARCH_LENGTH in chalicelib/products/validation.py). */
export const MAX_PAGE = 10_000_000;
export const MAX_SEARCH_LENGTH = 200;

export type ProductQuery = {
  page: number;
  pageSize: number;
  search: string;
  status: StatusFilter;
};

export function listProducts(query: ProductQuery, signal?: AbortSignal): Promise<Page<Product>> {
  const params = new URLSearchParams({
    page: String(query.page),
    page_size: String(query.pageSize),
    status: query.status,
  });
  if (query.search) params.set("search", query.search);
  return request(`/api/products?${params}`, { signal });
}

export function createProduct(input: ProductInput): Promise<Product> {
  return request("/api/products", { method: "POST", body: JSON.stringify(input) });
}

/** Sends only `changes`: the API keeps the stored value of every field the body omits. */
export function updateProduct(sku: string, changes: ProductChanges): Promise<Product> {
  return request(productPath(sku), { method: "PUT", body: JSON.stringify(changes) });
}

/** The SKU whose path doubles as the delete-all route; deleting that one product needs ?single=true. */
const BULK_DELETE_SKU = "bulk-delete";

export function deleteProduct(sku: string): Promise<void> {
  const single = sku === BULK_DELETE_SKU ? "?single=true" : "";
  return request(`${productPath(sku)}${single}`, { method: "DELETE" });
}

export function deleteAllProducts(): Promise<{ deleted: number }> {
  return request("/api/products/bulk-delete", {
    method: "DELETE",
    body: JSON.stringify({ confirm: "DELETE" }),
  });
}

export function createImport(filename: string, size: number): Promise<PresignedUpload> {
  return request("/api/imports", { method: "POST", body: JSON.stringify({ filename, size }) });
}

export function importStatus(jobId: string): Promise<ImportStatus> {
  return request(`/api/imports/${encodeURIComponent(jobId)}/status`);
}

export function listImports(page = 1, pageSize = 10): Promise<Page<ImportStatus>> {
  return request(`/api/imports?page=${page}&page_size=${pageSize}`);
}

export function cancelImport(jobId: string): Promise<ImportStatus> {
  return request(`/api/imports/${encodeURIComponent(jobId)}/cancel`, { method: "POST" });
}

export function retryImport(jobId: string): Promise<ImportStatus> {
  return request(`/api/imports/${encodeURIComponent(jobId)}/retry`, { method: "POST" });
}

export function errorReport(jobId: string): Promise<{ url: string; expires_at: string }> {
  return request(`/api/imports/${encodeURIComponent(jobId)}/errors`);
}

export function statusStreamPath(jobId: string): string {
  return `/api/imports/${encodeURIComponent(jobId)}/status-stream`;
}
