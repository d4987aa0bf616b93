"use client";

import Link from "next/link";
import { PackageOpenIcon, PencilIcon, SearchXIcon, Trash2Icon, UploadIcon } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/components/ui/table";
import { formatPrice } from "@/lib/format";
import type { Product } from "@/lib/types";

export type ProductsTableProps = {
  products: Product[] | null;
  pageSize: number;
  filtered: boolean;
  onEdit: (product: Product) => void;
  onDelete: (sku: string) => void;
  onClearFilters: () => void;
};

export function ProductsTable({ products, pageSize, filtered, onEdit, onDelete, onClearFilters }: ProductsTableProps) {
  if (products && products.length === 0) {
    return filtered ? <NoMatches onClearFilters={onClearFilters} /> : <EmptyCatalogue />;
  }

  return (
    // Fixed layout: column widths come from the header, so a long name or SKU is cut off with an
    // ellipsis instead of pushing Price, Status and the actions out of the card.
    <Table aria-busy={products === null} aria-label="Products" className="min-w-[40rem] table-fixed">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead className="w-[22%]">SKU</TableHead>
          <TableHead>Name</TableHead>
          <TableHead className="w-36 text-right">Price</TableHead>
          <TableHead className="w-28">Status</TableHead>
          <TableHead className="w-24">
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {products === null
          ? Array.from({ length: pageSize }, (_, index) => <SkeletonRow key={index} />)
          : products.map((product) => (
              <ProductRow key={product.sku} product={product} onEdit={onEdit} onDelete={onDelete} />
            ))}
      </TableBody>
    </Table>
  );
}

function ProductRow({
  product,
  onEdit,
  onDelete,
}: {
  product: Product;
  onEdit: (product: Product) => void;
  onDelete: (sku: string) => void;
}) {
  return (
    <TableRow data-testid="product-row">
      <TableCell>
        <div className="truncate font-mono text-xs" title={product.sku} data-testid="product-sku">
          {product.sku}
        </div>
      </TableCell>
      <TableCell>
        <div className="truncate font-medium" title={product.name} data-testid="product-name">
          {product.name}
        </div>
        {product.description ? (
          <div className="truncate text-xs text-muted-foreground" title={product.description}>
            {product.description}
          </div>
        ) : null}
      </TableCell>
      <TableCell className="truncate text-right tabular-nums" title={formatPrice(product.price)}>
        {formatPrice(product.price)}
      </TableCell>
      <TableCell>
        {product.active ? <Badge variant="success">Active</Badge> : <Badge variant="muted">Inactive</Badge>}
      </TableCell>
      <TableCell>
        <div className="flex justify-end gap-1">
          <Button variant="ghost" size="icon-sm" onClick={() => onEdit(product)}>
            <PencilIcon aria-hidden="true" />
            <span className="sr-only">Edit {product.sku}</span>
          </Button>
          <Button
            variant="ghost"
            size="icon-sm"
            className="text-muted-foreground hover:text-destructive"
            onClick={() => onDelete(product.sku)}
          >
            <Trash2Icon aria-hidden="true" />
            <span className="sr-only">Delete {product.sku}</span>
          </Button>
        </div>
      </TableCell>
    </TableRow>
  );
}

function SkeletonRow() {
  return (
    <TableRow data-testid="skeleton-row" className="hover:bg-transparent">
      <TableCell><Skeleton className="h-4 w-24" /></TableCell>
      <TableCell><Skeleton className="h-4 w-56 max-w-full" /></TableCell>
      <TableCell><Skeleton className="ml-auto h-4 w-14" /></TableCell>
      <TableCell><Skeleton className="h-5 w-16 rounded-full" /></TableCell>
      <TableCell><Skeleton className="ml-auto h-6 w-14" /></TableCell>
    </TableRow>
  );
}

function EmptyState({ icon, title, children }: { icon: React.ReactNode; title: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col items-center gap-3 px-6 py-16 text-center">
      <div className="flex size-12 items-center justify-center rounded-full bg-muted text-muted-foreground [&_svg]:size-6">
        {icon}
      </div>
      <h2 className="text-base font-semibold">{title}</h2>
      {children}
    </div>
  );
}

function EmptyCatalogue() {
  return (
    <EmptyState icon={<PackageOpenIcon aria-hidden="true" />} title="No products yet">
      <p className="max-w-sm text-sm text-muted-foreground">
        Import a CSV file from Shopify, WooCommerce or your own export, or create a product by hand.
      </p>
      <Button asChild className="mt-2">
        <Link href="/imports">
          <UploadIcon aria-hidden="true" />
          Import products
        </Link>
      </Button>
    </EmptyState>
  );
}

function NoMatches({ onClearFilters }: { onClearFilters: () => void }) {
  return (
    <EmptyState icon={<SearchXIcon aria-hidden="true" />} title="No products match">
      <p className="text-sm text-muted-foreground">Try another search term or status.</p>
      <Button variant="outline" className="mt-2" onClick={onClearFilters}>
        Clear filters
      </Button>
    </EmptyState>
  );
}
