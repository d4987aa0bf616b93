import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * Base URLs the UI server forwards API requests to. They are read on every request, because
 * LocalStack's API id changes whenever LocalStack restarts.
 */
export type Upstreams = { apiUrl: string; sseUrl: string };

export class UpstreamConfigError extends Error {}

export function stackFilePath(): string {
  return process.env.FULLFILL_STACK_FILE ?? path.resolve(process.cwd(), "..", ".fullfill", "stack.json");
}

async function readStackFile(file: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(file, "utf-8")) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return {};
    throw new UpstreamConfigError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** Resolves the API and progress-stream base URLs: environment variables first, then stack.json. */
export async function resolveUpstreams(): Promise<Upstreams> {
  const envApi = process.env.FULLFILL_API_URL;
  const envSse = process.env.FULLFILL_SSE_URL;
  const file = stackFilePath();
  const stack = envApi && envSse ? {} : await readStackFile(file);

  const apiUrl = envApi ?? (typeof stack.api_url === "string" ? stack.api_url : "");
  const sseUrl = envSse ?? (typeof stack.sse_url === "string" ? stack.sse_url : "");
  if (!apiUrl) {
    throw new UpstreamConfigError(
      `no API address: set FULLFILL_API_URL or run 'make up' to write api_url to ${file}`,
    );
  }
  return { apiUrl: trimSlash(apiUrl), sseUrl: trimSlash(sseUrl || apiUrl) };
}
