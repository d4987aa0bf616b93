import { resolveUpstreams, UpstreamConfigError } from "@/lib/stack";

/**
 * Same-origin proxy to the FullFill API. The browser calls /api/... on the UI server, which
 * forwards method, query, headers and body to the API Gateway address read from stack.json at
 * request time, and passes the progress stream through from the SSE server without buffering.
 */
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const STATUS_STREAM = /^\/api\/imports\/[^/]+\/status-stream$/;

// Hop-by-hop headers and ones fetch sets itself must not be copied across.
const DROPPED_REQUEST_HEADERS = [
  "host",
  "connection",
  "content-length",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "accept-encoding",
];
const DROPPED_RESPONSE_HEADERS = [
  "connection",
  "content-length",
  "content-encoding",
  "keep-alive",
  "transfer-encoding",
];

function forwardHeaders(request: Request): Headers {
  const headers = new Headers(request.headers);
  for (const name of DROPPED_REQUEST_HEADERS) headers.delete(name);
  return headers;
}

function copyResponseHeaders(upstream: Response): Headers {
  const headers = new Headers(upstream.headers);
  for (const name of DROPPED_RESPONSE_HEADERS) headers.delete(name);
  return headers;
}

function errorResponse(status: number, message: string): Response {
  return Response.json({ message }, { status });
}

async function proxy(request: Request): Promise<Response> {
  const incoming = new URL(request.url);
  let upstreams;
  try {
    upstreams = await resolveUpstreams();
  } catch (error) {
    if (error instanceof UpstreamConfigError) return errorResponse(503, error.message);
    throw error;
  }

  if (STATUS_STREAM.test(incoming.pathname)) return proxyStream(request, upstreams.sseUrl);

  const target = `${upstreams.apiUrl}${incoming.pathname}${incoming.search}`;
  const hasBody = !["GET", "HEAD"].includes(request.method);
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers: forwardHeaders(request),
      body: hasBody ? await request.arrayBuffer() : undefined,
      redirect: "manual",
      cache: "no-store",
    });
  } catch (error) {
    return errorResponse(502, `API at ${upstreams.apiUrl} is unreachable: ${(error as Error).message}`);
  }
  return new Response(upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: copyResponseHeaders(upstream),
  });
}

async function proxyStream(request: Request, sseUrl: string): Promise<Response> {
  const incoming = new URL(request.url);
  const target = `${sseUrl}${incoming.pathname}${incoming.search}`;
  let upstream: Response;
  try {
    // The client's abort signal closes the upstream connection when the browser goes away.
    upstream = await fetch(target, {
      headers: forwardHeaders(request),
      signal: request.signal,
      cache: "no-store",
    });
  } catch (error) {
    return errorResponse(502, `progress stream at ${sseUrl} is unreachable: ${(error as Error).message}`);
  }

  const headers = copyResponseHeaders(upstream);
  // no-transform keeps Next's response compression from buffering the event stream.
  headers.set("Cache-Control", "no-cache, no-transform");
  headers.set("X-Accel-Buffering", "no");
  return new Response(upstream.body, { status: upstream.status, headers });
}

export const GET = proxy;
export const POST = proxy;
export const PUT = proxy;
export const PATCH = proxy;
export const DELETE = proxy;
export const HEAD = proxy;
export const OPTIONS = proxy;
