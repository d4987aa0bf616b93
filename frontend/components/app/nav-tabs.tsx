"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

import { cn } from "@/lib/utils";

const TABS = [
  { href: "/products", label: "Products" },
  { href: "/imports", label: "Import" },
];

export function NavTabs() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex h-full items-center gap-1">
      {TABS.map((tab) => {
        const current = pathname.startsWith(tab.href);
        return (
          <Link
            key={tab.href}
            href={tab.href}
            aria-current={current ? "page" : undefined}
            className={cn(
              "relative flex h-full items-center px-3 text-sm font-medium text-muted-foreground transition-colors hover:text-foreground focus-visible:outline-none focus-visible:ring-[3px] focus-visible:ring-ring/40",
              current &&
                "text-foreground after:absolute after:inset-x-3 after:bottom-0 after:h-0.5 after:rounded-full after:bg-brand",
            )}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
