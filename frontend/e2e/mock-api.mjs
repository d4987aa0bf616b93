/**
 * A stand-in for the FullFill API, used to develop the UI and run the browser tests without the
 * LocalStack stack. It serves the products and imports routes, a presigned-POST upload target in
 * place of S3, and the progress stream, all from memory on 127.0.0.1.
 *
 *   MOCK_API_PORT=4599 node e2e/mock-api.mjs
 */
import http from "node:http";
import { randomUUID } from "node:crypto";

const PORT = Number(process.env.MOCK_API_PORT ?? 4599);
const HOST = "127.0.0.1";
const BASE = `http://${HOST}:${PORT}`;
/** Milliseconds the mock pipeline spends on each row, so progress is visible. */
const ROW_DELAY_MS = Number(process.env.MOCK_ROW_DELAY_MS ?? 120);

const products = new Map();
const jobs = new Map();
const uploads = new Map();

const ALIASES = {
  sku: ["sku", "variant sku"],
  name: ["name", "title"],
  price: ["price", "variant price", "regular price"],
  description: ["description", "body (html)"],
};

function now() {
  return new Date().toISOString();
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function readJson(req) {
  const text = (await readBody(req)).toString("utf-8");
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function validateProduct(body, { creating }) {
  const errors = {};
  if (!body || typeof body !== "object") return { message: "request body must be a JSON object", errors };
  if (creating && (typeof body.sku !== "string" || !body.sku.trim())) errors.sku = "SKU is required";
  else if (creating && body.sku.length > 64) errors.sku = `SKU is ${body.sku.length} characters; the maximum is 64`;
  if (typeof body.name !== "string" || !body.name.trim()) errors.name = "name is required";
  if (body.price !== null && body.price !== undefined && body.price !== "") {
    const text = String(body.price);
    if (!/^\d+(\.\d{1,4})?$/.test(text)) errors.price = `price '${text}' is not a non-negative decimal`;
  }
  return Object.keys(errors).length ? { message: "invalid product", errors } : null;
}

function productFrom(body, existing) {
  const stamp = now();
  return {
    sku: existing?.sku ?? body.sku.trim().toLowerCase(),
    name: body.name.trim(),
    description: body.description ?? "",
    price: body.price === null || body.price === undefined || body.price === "" ? null : Number(body.price).toFixed(2),
    active: body.active !== false,
    created_at: existing?.created_at ?? stamp,
    updated_at: stamp,
  };
}

function listProducts(url, res) {
  const page = Math.max(1, Number(url.searchParams.get("page") ?? 1));
  const pageSize = Math.min(100, Math.max(1, Number(url.searchParams.get("page_size") ?? 10)));
  const search = (url.searchParams.get("search") ?? "").toLowerCase();
  const status = url.searchParams.get("status") ?? "all";
  const matching = [...products.values()]
    .filter((p) => status === "all" || p.active === (status === "active"))
    .filter((p) => !search || [p.sku, p.name, p.description ?? ""].some((v) => v.toLowerCase().includes(search)))
    .sort((a, b) => a.sku.localeCompare(b.sku));
  const pages = Math.ceil(matching.length / pageSize);
  const items = matching.slice((page - 1) * pageSize, page * pageSize);
  send(res, 200, { items, page, page_size: pageSize, total: matching.length, pages });
}

async function productsRoute(req, res, url) {
  const rest = url.pathname.slice("/api/products".length);
  if (rest === "" || rest === "/") {
    if (req.method === "GET") return listProducts(url, res);
    if (req.method === "POST") {
      const body = await readJson(req);
      const invalid = validateProduct(body, { creating: true });
      if (invalid) return send(res, 400, invalid);
      const sku = body.sku.trim().toLowerCase();
      if (products.has(sku)) {
        return send(res, 409, { message: `a product with SKU '${sku}' already exists` });
      }
      const product = productFrom(body);
      products.set(product.sku, product);
      return send(res, 201, product);
    }
  }
  if (rest === "/bulk-delete" && req.method === "DELETE") {
    const body = await readJson(req);
    if (body?.confirm !== "DELETE") return send(res, 400, { message: "confirm must be 'DELETE'" });
    if ([...jobs.values()].some((job) => ["queued", "validating", "parsing"].includes(job.status))) {
      return send(res, 409, { message: "an import is running; wait for it to finish" });
    }
    const deleted = products.size;
    products.clear();
    return send(res, 200, { deleted });
  }
  const sku = decodeURIComponent(rest.slice(1)).trim().toLowerCase();
  const product = products.get(sku);
  if (!product) return send(res, 404, { message: `product '${sku}' not found` });
  if (req.method === "GET") return send(res, 200, product);
  if (req.method === "DELETE") {
    products.delete(sku);
    return send(res, 204);
  }
  if (req.method === "PUT") {
    // A partial update, like the API's: fields the body omits keep their stored value.
    const body = await readJson(req);
    const merged = body && typeof body === "object" ? { ...product, ...body } : body;
    const invalid = validateProduct(merged, { creating: false });
    if (invalid) return send(res, 400, invalid);
    const updated = productFrom(merged, product);
    products.set(sku, updated);
    return send(res, 200, updated);
  }
  return send(res, 405, { message: `method ${req.method} not allowed` });
}

function statusOf(job) {
  const progress = job.status === "completed" ? 1 : job.total_rows ? job.processed_rows / job.total_rows : 0;
  const { rows, ...rest } = job;
  // Like the API, created and updated are final counts: null until the job completes.
  const done = job.status === "completed";
  return {
    ...rest,
    created: done ? job.created : null,
    updated: done ? job.updated : null,
    errors: job.errors.slice(0, 5),
    progress: Math.round(progress * 10000) / 10000,
  };
}

function touch(job, changes) {
  Object.assign(job, changes, { updated_at: now(), seq: job.seq + 1 });
}

function splitLine(line, delimiter) {
  return line.split(delimiter).map((field) => field.replace(/^"|"$/g, "").trim());
}

function parseCsv(text) {
  const clean = text.replace(/^\uFEFF/, "");
  const lines = clean.split(/\r?\n/).filter((line) => line.trim());
  const header = lines[0] ?? "";
  const delimiter = [",", ";", "\t", "|"].sort((a, b) => header.split(b).length - header.split(a).length)[0];
  const columns = splitLine(header, delimiter).map((name) => name.toLowerCase());
  const index = {};
  for (const [field, names] of Object.entries(ALIASES)) {
    const position = columns.findIndex((name) => names.includes(name));
    if (position >= 0) index[field] = position;
  }
  const missing = ["sku", "name", "price"].filter((field) => index[field] === undefined);
  const rows = lines.slice(1).map((line) => splitLine(line, delimiter));
  return { delimiter, columns, index, missing, rows };
}

function runJob(job) {
  const text = uploads.get(job.job_id);
  touch(job, { status: "validating", started_at: now(), message: null });
  setTimeout(() => {
    if (job.status !== "validating") return;
    const csv = parseCsv(text);
    if (csv.missing.length) {
      const message = `required column ${csv.missing.map((f) => `'${f}'`).join(", ")} missing; found: ${csv.columns.join(", ")}`;
      touch(job, { status: "failed", message, finished_at: now() });
      return;
    }
    touch(job, { status: "parsing", total_rows: csv.rows.length, delimiter: csv.delimiter, encoding: "utf-8" });
    let position = 0;
    const started = Date.now();
    const step = () => {
      if (job.status !== "parsing") return;
      if (position >= csv.rows.length) {
        touch(job, { status: "completed", finished_at: now() });
        return;
      }
      const row = csv.rows[position];
      const line = position + 2;
      const sku = row[csv.index.sku]?.toLowerCase();
      const price = row[csv.index.price];
      if (!sku) {
        job.errors.push({ line, severity: "error", reason: "sku is empty" });
        job.error_count++;
      } else if (price && !/^\d+(\.\d+)?$/.test(price)) {
        job.errors.push({ line, severity: "error", reason: `price '${price}' is not a number` });
        job.error_count++;
      } else {
        const existing = products.get(sku);
        const body = { sku, name: row[csv.index.name] || sku, price: price || null, description: row[csv.index.description] ?? "" };
        products.set(sku, productFrom(body, existing));
        if (existing) job.updated++;
        else job.created++;
      }
      position++;
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? position / seconds : 0;
      touch(job, {
        processed_rows: position,
        rows_per_second: rate,
        eta_seconds: rate > 0 ? (csv.rows.length - position) / rate : null,
      });
      setTimeout(step, ROW_DELAY_MS);
    };
    setTimeout(step, ROW_DELAY_MS);
  }, 400);
}

function newJob(filename, size) {
  const stamp = now();
  const job = {
    job_id: randomUUID(), status: "queued", file_name: filename, size, total_rows: null, processed_rows: 0,
    created: 0, updated: 0, error_count: 0, warning_count: 0, errors: [], message: null, encoding: null,
    delimiter: null, column_map: null, created_at: stamp, updated_at: stamp, started_at: null, finished_at: null,
    retry_until: null, rows_per_second: null, eta_seconds: null, seq: 0,
  };
  jobs.set(job.job_id, job);
  return job;
}

function streamStatus(req, res, job) {
  res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive" });
  let sent = -1;
  const tick = () => {
    if (job.seq !== sent) {
      sent = job.seq;
      res.write(`id: ${job.seq}\nevent: status\ndata: ${JSON.stringify(statusOf(job))}\n\n`);
    }
    if (["completed", "failed", "cancelled"].includes(job.status)) {
      clearInterval(timer);
      res.end();
    }
  };
  const timer = setInterval(tick, 150);
  req.on("close", () => clearInterval(timer));
  tick();
}

async function importsRoute(req, res, url) {
  const parts = url.pathname.split("/").filter(Boolean).slice(2);
  if (parts.length === 0) {
    if (req.method === "POST") {
      const body = await readJson(req);
      if (!body?.filename?.toLowerCase().endsWith(".csv")) {
        return send(res, 400, { message: `file name '${body?.filename}' does not end in .csv` });
      }
      const job = newJob(body.filename, body.size);
      return send(res, 201, {
        job_id: job.job_id,
        upload: { url: `${BASE}/mock-s3`, fields: { key: `uploads/${job.job_id}.csv`, policy: "mock" } },
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
      });
    }
    const page = Math.max(1, Number(url.searchParams.get("page") ?? 1));
    const pageSize = Number(url.searchParams.get("page_size") ?? 10);
    const all = [...jobs.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
    return send(res, 200, {
      items: all.slice((page - 1) * pageSize, page * pageSize).map(statusOf),
      page, page_size: pageSize, total: all.length, pages: Math.ceil(all.length / pageSize),
    });
  }
  const job = jobs.get(parts[0]);
  if (!job) return send(res, 404, { message: `import job '${parts[0]}' not found` });
  const action = parts[1];
  if (action === "status") return send(res, 200, statusOf(job));
  if (action === "status-stream") return streamStatus(req, res, job);
  if (action === "cancel" && req.method === "POST") {
    if (["completed", "failed", "cancelled"].includes(job.status)) {
      return send(res, 409, { message: `import job is already ${job.status}` });
    }
    touch(job, {
      status: "cancelled",
      finished_at: now(),
      message: `cancelled by the user after ${job.processed_rows} rows`,
    });
    return send(res, 200, statusOf(job));
  }
  if (action === "retry" && req.method === "POST") {
    if (!["failed", "cancelled"].includes(job.status)) return send(res, 409, { message: `import job is ${job.status}` });
    if (!uploads.has(job.job_id)) return send(res, 410, { message: "the uploaded file has expired; upload it again" });
    touch(job, { status: "queued", processed_rows: 0, errors: [], error_count: 0, created: 0, updated: 0, finished_at: null });
    setTimeout(() => runJob(job), 200);
    return send(res, 202, statusOf(job));
  }
  if (action === "errors") {
    if (job.errors.length === 0) return send(res, 404, { message: "this import has no error report" });
    return send(res, 200, { url: `${BASE}/mock-s3/reports/${job.job_id}.csv`, expires_at: now() });
  }
  return send(res, 404, { message: `no route for ${req.method} ${url.pathname}` });
}

async function s3Route(req, res, url) {
  const cors = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "POST, GET", "Access-Control-Allow-Headers": "*" };
  if (req.method === "OPTIONS") {
    res.writeHead(204, cors);
    return res.end();
  }
  if (req.method === "GET" && url.pathname.startsWith("/mock-s3/reports/")) {
    const job = jobs.get(url.pathname.split("/").pop().replace(/\.csv$/, ""));
    const lines = ["line,severity,reason", ...(job?.errors ?? []).map((e) => `${e.line},${e.severity},"${e.reason}"`)];
    res.writeHead(200, { ...cors, "Content-Type": "text/csv" });
    return res.end(lines.join("\n") + "\n");
  }
  const body = await readBody(req);
  const form = await new Request(BASE, { method: "POST", headers: { "content-type": req.headers["content-type"] }, body }).formData();
  const key = String(form.get("key") ?? "");
  const file = form.get("file");
  const job = jobs.get(key.replace(/^uploads\//, "").replace(/\.csv$/, ""));
  if (!job || !file || typeof file === "string") {
    res.writeHead(400, { ...cors, "Content-Type": "application/xml" });
    return res.end("<Error><Message>unknown key or missing file field</Message></Error>");
  }
  uploads.set(job.job_id, await file.text());
  res.writeHead(204, cors);
  res.end();
  if (job.status === "queued") setTimeout(() => runJob(job), 300);
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, BASE);
  try {
    if (url.pathname.startsWith("/mock-s3")) return await s3Route(req, res, url);
    if (url.pathname.startsWith("/api/products")) return await productsRoute(req, res, url);
    if (url.pathname.startsWith("/api/imports")) return await importsRoute(req, res, url);
    if (url.pathname === "/health") return send(res, 200, { ok: true });
    return send(res, 404, { message: `no route for ${req.method} ${url.pathname}` });
  } catch (error) {
    console.error("mock-api: request failed", req.method, url.pathname, error);
    return send(res, 500, { message: String(error) });
  }
});

server.listen(PORT, HOST, () => console.log(`mock-api: listening on ${BASE}`));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
