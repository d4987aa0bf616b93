import type { Metadata } from "next";

import { AppHeader } from "@/components/app/app-header";
import "./globals.css";

export const metadata: Metadata = {
  title: "FullFill",
  description: "Product catalogue imports and inventory",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <div className="min-h-screen">
          <AppHeader />
          <main className="mx-auto w-full max-w-6xl px-4 py-8 sm:px-6">{children}</main>
        </div>
      </body>
    </html>
  );
}
