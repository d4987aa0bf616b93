"use client";

import { ChevronLeftIcon, ChevronRightIcon } from "lucide-react";

import { Button } from "@/components/ui/button";
import { formatCount } from "@/lib/format";

/**
 * Page numbers to show: the first and last page, the current page with `siblings` on each side,
 * and "gap" where pages are skipped. The list keeps the same length wherever the current page
 * is, so the buttons do not jump around while paging.
 */
export function pageItems(current: number, pages: number, siblings = 1): (number | "gap")[] {
  const slots = 2 * siblings + 5;
  if (pages <= slots) return Array.from({ length: pages }, (_, index) => index + 1);

  const edge = 2 * siblings + 3;
  if (current <= siblings + 3) return [...range(1, edge), "gap", pages];
  if (current >= pages - siblings - 2) return [1, "gap", ...range(pages - edge + 1, pages)];
  return [1, "gap", ...range(current - siblings, current + siblings), "gap", pages];
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

export type PaginationProps = {
  page: number;
  pages: number;
  pageSize: number;
  total: number;
  estimated?: boolean;
  onPageChange: (page: number) => void;
};

export function Pagination({ page, pages, pageSize, total, estimated, onPageChange }: PaginationProps) {
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);

  return (
    <div className="flex flex-col items-center justify-between gap-3 px-4 py-3 sm:flex-row">
      <p className="text-sm text-muted-foreground" data-testid="pagination-summary">
        Showing <span className="font-medium text-foreground">{formatCount(from)}</span>–
        <span className="font-medium text-foreground">{formatCount(to)}</span> of{" "}
        {estimated ? "about " : ""}
        <span className="font-medium text-foreground">{formatCount(total)}</span>{" "}
        {total === 1 ? "product" : "products"}
      </p>
      {pages > 1 ? (
        <nav aria-label="Pagination" className="flex flex-wrap items-center justify-center gap-1">
          <Button
            variant="ghost"
            size="sm"
            disabled={page <= 1}
            onClick={() => onPageChange(page - 1)}
            aria-label="Previous page"
          >
            <ChevronLeftIcon aria-hidden="true" />
            <span className="hidden sm:inline">Previous</span>
          </Button>
          {pageItems(page, pages).map((item, index) =>
            item === "gap" ? (
              <span key={`gap-${index}`} className="px-1.5 text-muted-foreground" aria-hidden="true">
                …
              </span>
            ) : (
              <Button
                key={item}
                variant={item === page ? "outline" : "ghost"}
                size="sm"
                // Width grows with the number, so "14,446" gets as much room as "7".
                className="min-w-8 px-2 tabular-nums"
                aria-label={`Page ${formatCount(item)}`}
                aria-current={item === page ? "page" : undefined}
                onClick={() => onPageChange(item)}
              >
                {formatCount(item)}
              </Button>
            ),
          )}
          <Button
            variant="ghost"
            size="sm"
            disabled={page >= pages}
            onClick={() => onPageChange(page + 1)}
            aria-label="Next page"
          >
            <span className="hidden sm:inline">Next</span>
            <ChevronRightIcon aria-hidden="true" />
          </Button>
        </nav>
      ) : null}
    </div>
  );
}
