import Link from "next/link";
import { PackageIcon } from "lucide-react";

import { NavTabs } from "@/components/app/nav-tabs";

export function AppHeader() {
  return (
    <header className="sticky top-0 z-40 border-b bg-card/90 backdrop-blur">
      <div className="mx-auto flex h-14 w-full max-w-6xl items-center gap-8 px-4 sm:px-6">
        <Link href="/products" className="flex items-center gap-2 font-semibold tracking-tight">
          <span className="flex size-7 items-center justify-center rounded-md bg-brand text-white">
            <PackageIcon className="size-4" aria-hidden="true" />
          </span>
          FullFill
        </Link>
        <NavTabs />
      </div>
    </header>
  );
}
