"use client";

import * as React from "react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { PlusIcon, RefreshCwIcon } from "lucide-react";

import { Notice, useNotice } from "@/components/app/notice";
import { PageHeader } from "@/components/app/page-header";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import * as api from "@/lib/api";
import type { Page, Product, ProductInput, StatusFilter } from "@/lib/types";

import { DeleteAllDialog } from "./delete-all-dialog";
import { DeleteProductDialog } from "./delete-product-dialog";
import { Pagination } from "./pagination";
import { ProductFormDialog } from "./product-form-dialog";
import { ProductsTable } from "./products-table";
import { ProductsToolbar } from "./products-toolbar";

export const PAGE_SIZE = 10;
const STATUSES: StatusFilter[] = ["all", "active", "inactive"];

type Query = { page: number; search: string; status: StatusFilter };

function readQuery(params: URLSearchParams): Query {
  const page = Number.parseInt(params.get("page") ?? "1", 10);
  const status = params.get("status") as StatusFilter | null;
  return {
    page: Number.isFinite(page) && page > 0 ? page : 1,
    search: params.get("search") ?? "",
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

/** Loads one page of products for `query`; `reload` fetches it again. */
function useProductPage(query: Query) {
  const [data, setData] = React.useState<Page<Product> | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [version, setVersion] = React.useState(0);

  React.useEffect(() => {
    const controller = new AbortController();
    setData(null);
    setError(null);
    api
      .listProducts({ ...query, pageSize: PAGE_SIZE }, controller.signal)
      .then(setData)
      .catch((failure: unknown) => {
        if (controller.signal.aborted) return;
        setError(failure instanceof Error ? failure.message : String(failure));
      });
    return () => controller.abort();
  }, [query.page, query.search, query.status, version]);

  const reload = React.useCallback(() => setVersion((value) => value + 1), []);
  return { data, error, reload };
}

export function ProductsView() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const query = readQuery(new URLSearchParams(searchParams.toString()));
  const { data, error, reload } = useProductPage(query);
  const { notice, show, dismiss } = useNotice();

  const [formOpen, setFormOpen] = React.useState(false);
  const [editing, setEditing] = React.useState<Product | null>(null);
  const [deleting, setDeleting] = React.useState<string | null>(null);

  const navigate = (next: Query) => router.replace(`${pathname}${queryString(next)}`, { scroll: false });

  // A page past the end (after deletes, or a stale link) moves to the last page that exists.
  React.useEffect(() => {
    if (data && data.pages > 0 && query.page > data.pages) navigate({ ...query, page: data.pages });
  }, [data]);

  async function saveProduct(input: ProductInput) {
    if (editing) {
      await api.updateProduct(editing.sku, input);
      show("success", `Product ${editing.sku} saved.`);
    } else {
      const created = await api.createProduct(input);
      show("success", `Product ${created.sku} created.`);
    }
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
    navigate({ page: 1, search: "", status: "all" });
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
          <div role="alert" className="flex flex-col items-center gap-3 px-6 py-12 text-center">
            <p className="text-sm text-destructive">Could not load products: {error}</p>
            <Button variant="outline" onClick={reload}>
              <RefreshCwIcon aria-hidden="true" />
              Try again
            </Button>
          </div>
        ) : (
          <ProductsTable
            products={data?.items ?? null}
            pageSize={PAGE_SIZE}
            filtered={filtered}
            onEdit={(product) => {
              setEditing(product);
              setFormOpen(true);
            }}
            onDelete={setDeleting}
            onClearFilters={() => navigate({ page: 1, search: "", status: "all" })}
          />
        )}
        {data && data.total > 0 ? (
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
      <ProductFormDialog open={formOpen} onOpenChange={setFormOpen} product={editing} onSubmit={saveProduct} />
      <DeleteProductDialog
        sku={deleting}
        onOpenChange={(open) => (open ? undefined : setDeleting(null))}
        onConfirm={removeProduct}
      />
      <Notice notice={notice} onDismiss={dismiss} />
    </>
  );
}
