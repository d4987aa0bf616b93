"use client";

import * as React from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { FilterXIcon, PlusIcon, RefreshCwIcon } from "lucide-react";

import { Notice, useNotice } from "@/components/app/notice";
import { PageHeader } from "@/components/app/page-header";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import * as api from "@/lib/api";
import type { Page, Product, ProductChanges, ProductInput, StatusFilter } from "@/lib/types";

import { DeleteAllDialog } from "./delete-all-dialog";
import { DeleteProductDialog } from "./delete-product-dialog";
import { Pagination } from "./pagination";
import { ProductFormDialog } from "./product-form-dialog";
import { ProductsTable } from "./products-table";
import { ProductsToolbar } from "./products-toolbar";

export const PAGE_SIZE = 10;
const STATUSES: StatusFilter[] = ["all", "active", "inactive"];

type Query = { page: number; search: string; status: StatusFilter };

const DEFAULT_QUERY: Query = { page: 1, search: "", status: "all" };

/** Reads a page number, clamped to the API's range; anything but digits means page 1. */
function readPage(raw: string | null): number {
  if (!raw || !/^\d+$/.test(raw)) return 1;
  const page = Number.parseInt(raw, 10);
  return Math.min(Math.max(page, 1), api.MAX_PAGE);
}

/**
 * Reads a search term as the API will accept it: control characters removed, trimmed, and cut
 * to the API's maximum length in code points (the API counts characters, not UTF-16 units).
 */
export function readSearch(raw: string | null): string {
  const cleaned = (raw ?? "").replace(/[\u0000-\u001f\u007f-\u009f]/g, " ").trim();
  return Array.from(cleaned).slice(0, api.MAX_SEARCH_LENGTH).join("").trim();
}

/** Reads the query from the URL, repairing values the API would reject. */
function readQuery(params: URLSearchParams): Query {
  const status = params.get("status") as StatusFilter | null;
  return {
    page: readPage(params.get("page")),
    search: readSearch(params.get("search")),
    status: status && STATUSES.includes(status) ? status : "all",
  };
}

function queryString(query: Query): string {
  const params = new URLSearchParams();
  if (query.search) params.set("search", query.search);
  if (query.status !== "all") params.set("status", query.status);
  if (query.page > 1) params.set("page", String(query.page));
  const text = params.toString();
  return text ? `?${text}` : "";
}

/**
 * Loads one page of products for `query`; `reload` fetches it again. The data is null while
 * the page for the current query is loading, never the previous query's page.
 */
function useProductPage(query: Query) {
  const [loaded, setLoaded] = React.useState<{ key: string; page: Page<Product> } | null>(null);
  const [failed, setFailed] = React.useState<{ key: string; message: string } | null>(null);
  const [version, setVersion] = React.useState(0);
  const key = `${queryString(query)}#${version}`;

  React.useEffect(() => {
    const controller = new AbortController();
    api
      .listProducts({ ...query, pageSize: PAGE_SIZE }, controller.signal)
      .then((page) => setLoaded({ key, page }))
      .catch((failure: unknown) => {
        if (controller.signal.aborted) return;
        setFailed({ key, message: failure instanceof Error ? failure.message : String(failure) });
      });
    return () => controller.abort();
  }, [key]);

  const reload = React.useCallback(() => setVersion((value) => value + 1), []);
  const data = loaded?.key === key ? loaded.page : null;
  const error = failed?.key === key ? failed.message : null;
  return { data, error, reload };
}

export function ProductsView() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const urlQuery = searchParams.toString();
  const query = readQuery(new URLSearchParams(urlQuery));
  const { data, error, reload } = useProductPage(query);
  const { notice, show, dismiss } = useNotice();

  const [formOpen, setFormOpen] = React.useState(false);
  const [editing, setEditing] = React.useState<Product | null>(null);
  const [deleting, setDeleting] = React.useState<string | null>(null);

  const navigate = (next: Query) => router.replace(`${pathname}${queryString(next)}`, { scroll: false });

  // A URL the API would reject (a page over its maximum, an over-long search, an unknown
  // parameter) is replaced by the repaired one, so that the address matches what is shown.
  React.useEffect(() => {
    const repaired = queryString(query).replace(/^\?/, "");
    if (repaired !== urlQuery) navigate(query);
  }, [urlQuery]);

  // A page past the end (after deletes, or a stale link) moves to the last page that exists.
  const lastPage = data ? Math.max(1, data.pages) : null;
  const pastEnd = lastPage !== null && query.page > lastPage;
  React.useEffect(() => {
    if (pastEnd && lastPage !== null) navigate({ ...query, page: lastPage });
  }, [data]);

  async function createProduct(input: ProductInput) {
    const created = await api.createProduct(input);
    show("success", `Product ${created.sku} created.`);
    reload();
  }

  async function updateProduct(sku: string, changes: ProductChanges) {
    await api.updateProduct(sku, changes);
    show("success", `Product ${sku} saved.`);
    reload();
  }

  async function removeProduct(sku: string) {
    await api.deleteProduct(sku);
    show("success", `Product ${sku} deleted.`);
    reload();
  }

  async function removeAll() {
    const result = await api.deleteAllProducts();
    show("success", `Deleted ${result.deleted.toLocaleString("en-US")} products.`);
    navigate(DEFAULT_QUERY);
    reload();
  }

  const filtered = query.search !== "" || query.status !== "all";
  return (
    <>
      <PageHeader
        title="Products"
        description="Search, edit and manage the product catalogue."
        actions={
          <>
            <DeleteAllDialog total={data?.total ?? 0} onConfirm={removeAll} />
            <Button
              onClick={() => {
                setEditing(null);
                setFormOpen(true);
              }}
            >
              <PlusIcon aria-hidden="true" />
              New product
            </Button>
          </>
        }
      />
      <Card className="overflow-hidden">
        <ProductsToolbar
          search={query.search}
          status={query.status}
          onSearch={(search) => navigate({ ...query, search, page: 1 })}
          onStatusChange={(status) => navigate({ ...query, status, page: 1 })}
        />
        {error ? (
          <LoadError
            error={error}
            onRetry={reload}
            onReset={isDefault(query) ? null : () => navigate(DEFAULT_QUERY)}
          />
        ) : (
          <ProductsTable
            products={pastEnd ? null : (data?.items ?? null)}
            pageSize={PAGE_SIZE}
            filtered={filtered}
            onEdit={(product) => {
              setEditing(product);
              setFormOpen(true);
            }}
            onDelete={setDeleting}
            onClearFilters={() => navigate(DEFAULT_QUERY)}
          />
        )}
        {data && data.total > 0 && !pastEnd ? (
          <div className="border-t">
            <Pagination
              page={data.page}
              pages={data.pages}
              pageSize={data.page_size}
              total={data.total}
              estimated={data.total_is_estimate}
              onPageChange={(page) => navigate({ ...query, page })}
            />
          </div>
        ) : null}
      </Card>
      <ProductFormDialog
        open={formOpen}
        onOpenChange={setFormOpen}
        product={editing}
        onCreate={createProduct}
        onUpdate={updateProduct}
      />
      <DeleteProductDialog
        sku={deleting}
        onOpenChange={(open) => (open ? undefined : setDeleting(null))}
        onConfirm={removeProduct}
      />
      <Notice notice={notice} onDismiss={dismiss} />
    </>
  );
}

function isDefault(query: Query): boolean {
  return queryString(query) === "";
}

function LoadError({
  error,
  onRetry,
  onReset,
}: {
  error: string;
  onRetry: () => void;
  /** Clears the search, status and page; null when they are already the defaults. */
  onReset: (() => void) | null;
}) {
  return (
    <div role="alert" className="flex flex-col items-center gap-3 px-6 py-12 text-center">
      <p className="max-w-xl text-sm [overflow-wrap:anywhere] text-destructive">Could not load products: {error}</p>
      <div className="flex flex-wrap justify-center gap-2">
        <Button variant="outline" onClick={onRetry}>
          <RefreshCwIcon aria-hidden="true" />
          Try again
        </Button>
        {onReset ? (
          <Button variant="outline" onClick={onReset}>
            <FilterXIcon aria-hidden="true" />
            Reset filters
          </Button>
        ) : null}
      </div>
    </div>
  );
}
