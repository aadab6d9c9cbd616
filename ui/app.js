// pedigree serve's web UI: plain ES module, no build step, no inline script (the CSP forbids it).
// Every value from the server goes into the page as text (textContent), never as HTML.
const main = document.getElementById("main");
const tokenInput = document.getElementById("token");
tokenInput.value = sessionStorage.getItem("pedigree-token") ?? "";
document.getElementById("token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  sessionStorage.setItem("pedigree-token", tokenInput.value.trim());
  route();
});

/** el("td", { class: "x" }, "text", child...) */
function el(tag, attrs = {}, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
    else n.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) n.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return n;
}

function headers(extra = {}) {
  const t = sessionStorage.getItem("pedigree-token");
  return { ...(t ? { authorization: `Bearer ${t}` } : {}), ...extra };
}

async function api(method, path, body, contentType = "application/json") {
  const init = { method, headers: headers(body === undefined ? {} : { "content-type": contentType }) };
  if (body !== undefined) init.body = contentType === "application/json" ? JSON.stringify(body) : body;
  const r = await fetch(path, init);
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(data.error?.message ?? `HTTP ${r.status}`);
  return data;
}

/** Follows a job's event stream (fetch, so the token goes in a header); calls onProgress; resolves with the job. */
async function follow(id, onProgress) {
  const r = await fetch(`/api/jobs/${encodeURIComponent(id)}/events`, { headers: headers() });
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let i;
    while ((i = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? "null");
      if (event === "progress") onProgress(data);
      else if (event) return data;
    }
  }
  return api("GET", `/api/jobs/${encodeURIComponent(id)}`);
}

function table(columns, rows) {
  return el("table", {}, el("thead", {}, el("tr", {}, columns.map((c) => el("th", {}, c[0])))),
    el("tbody", {}, rows.map((r) => el("tr", {}, columns.map((c) => el("td", {}, c[1](r)))))));
}

const tier = (t) => el("span", { class: `tier ${t}` }, t);
const pText = (log10) => (log10 > -3 ? (10 ** log10).toPrecision(2) : `1e${Math.round(log10)}`);
const failed = (e) => el("p", { class: "error" }, e.message);

/** A row of coloured cells, one per layer: darker = smaller p (stronger evidence of shared weights). */
function heatmap(layerMap) {
  const grid = el("div", { class: "heatmap", "data-testid": "heatmap", role: "img", "aria-label": "layer heatmap" });
  grid.style.gridTemplateColumns = `repeat(${Math.max(1, layerMap.length)}, 1fr)`;
  for (const l of layerMap) {
    const strength = Math.min(1, -l.log10PValue / 12);
    const cell = el("div", { title: `B layer ${l.b} <- A layer ${l.a ?? "none"}, p ${pText(l.log10PValue)}` }, String(l.b));
    cell.style.background = `rgb(${Math.round(200 - 170 * strength)}, ${Math.round(210 - 150 * strength)}, ${Math.round(225 - 60 * strength)})`;
    grid.append(cell);
  }
  return grid;
}

async function modelsPage() {
  const form = el("form", { class: "row" },
    el("input", { name: "q", placeholder: "search name, owner, licence", "aria-label": "search" }),
    el("select", { name: "tier", "aria-label": "tier" }, el("option", { value: "" }, "any tier"), ["open", "gated", "closed"].map((t) => el("option", { value: t }, t))),
    el("button", { type: "submit" }, "Search"));
  const out = el("div");
  const load = async () => {
    const q = new URLSearchParams({ q: form.q.value, tier: form.tier.value });
    try {
      const { models } = await api("GET", `/api/models?${q}`);
      out.replaceChildren(table([
        ["name", (m) => el("a", { href: `#model/${encodeURIComponent(m.name)}` }, m.name)], ["owner", (m) => m.owner], ["tier", (m) => tier(m.tier)],
        ["licence", (m) => m.license ?? ""], ["architecture", (m) => m.architecture], ["layers", (m) => m.layers],
      ], models));
    } catch (e) {
      out.replaceChildren(failed(e));
    }
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void load();
  });
  main.replaceChildren(el("section", {}, el("h2", {}, "Registered models"), form, out));
  await load();
}

async function modelPage(name) {
  const box = el("section", {}, el("h2", {}, name));
  const graph = el("div", { class: "graph" });
  main.replaceChildren(box, el("section", {}, el("h2", {}, "Family tree"), graph));
  try {
    const m = await api("GET", `/api/models/${encodeURIComponent(name)}`);
    const facts = [["owner", m.owner], ["tier", m.tier], ["licence", m.license], ["declared base", m.declaredBase], ["released", m.released],
      ["format", m.summary?.format], ["architecture", m.summary?.architecture], ["parameters", m.summary?.parameters], ["layers", m.summary?.params?.nLayers],
      ["declared recipients", (m.recipients ?? []).join(", ")], ["registered", m.registeredAt]].filter(([, v]) => v !== undefined && v !== null && v !== "");
    box.append(table([["fact", (f) => f[0]], ["value", (f) => (f[0] === "tier" ? tier(f[1]) : f[1])]], facts));
    box.append(await issuedCopies(name));
    const job = await api("POST", "/api/tree", {});
    const done = await follow(job.id, () => {});
    if (done.status !== "done") throw new Error(done.error?.message ?? done.status);
    graph.replaceChildren(treeSvg(done.result.document, name));
  } catch (e) {
    box.append(failed(e));
  }
}

/** The marked copies issued of a model: shown to its organisation's owners and admins (others get a refusal, and no section). */
async function issuedCopies(name) {
  const r = await fetch(`/api/models/${encodeURIComponent(name)}/recipients`, { headers: headers() });
  if (!r.ok) return "";
  const { recipients } = await r.json();
  return el("div", { "data-testid": "issued-copies" }, el("h3", {}, `Issued copies (${recipients.length})`),
    recipients.length ? table([["recipient", (c) => c.recipient], ["issued", (c) => c.issuedAt], ["strength", (c) => c.strength], ["scheme", (c) => c.scheme], ["copy sha256", (c) => el("code", {}, c.fileSha256.slice(0, 16))]], recipients) : el("p", {}, "No marked copy issued."));
}

/** The family of `focus` as an SVG graph: parents above children; nodes link to their pages. */
function treeSvg(doc, focus) {
  const family = doc.families.find((f) => f.members.includes(focus));
  const members = family ? family.members : [focus];
  const depth = new Map([[family?.root ?? focus, 0]]);
  for (let changed = true; changed;) {
    changed = false;
    for (const e of doc.edges) if (depth.has(e.parent) && !depth.has(e.child)) { depth.set(e.child, depth.get(e.parent) + 1); changed = true; }
  }
  for (const m of members) if (!depth.has(m)) depth.set(m, 0);
  const rows = new Map();
  for (const m of members) rows.set(depth.get(m), [...(rows.get(depth.get(m)) ?? []), m]);
  const pos = new Map();
  const W = 180, H = 70;
  for (const [d, ms] of rows) ms.forEach((m, i) => pos.set(m, { x: 10 + i * W, y: 10 + d * H }));
  const width = Math.max(...[...pos.values()].map((p) => p.x)) + W, height = Math.max(...[...pos.values()].map((p) => p.y)) + H;
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", String(width));
  for (const e of doc.edges) {
    const a = pos.get(e.parent), b = pos.get(e.child);
    if (!a || !b) continue;
    const line = document.createElementNS(ns, "line");
    Object.entries({ x1: a.x + 70, y1: a.y + 30, x2: b.x + 70, y2: b.y, stroke: "#7a8699" }).forEach(([k, v]) => line.setAttribute(k, String(v)));
    const title = document.createElementNS(ns, "title");
    title.textContent = `${e.parent} -> ${e.child}: ${e.relation ?? ""}`;
    line.append(title);
    svg.append(line);
  }
  for (const [m, p] of pos) {
    const link = document.createElementNS(ns, "a");
    link.setAttribute("href", `#model/${encodeURIComponent(m)}`);
    const rect = document.createElementNS(ns, "rect");
    Object.entries({ x: p.x, y: p.y, width: 140, height: 30, rx: 4, fill: m === focus ? "#1d2430" : "#e4e8ee" }).forEach(([k, v]) => rect.setAttribute(k, String(v)));
    const text = document.createElementNS(ns, "text");
    Object.entries({ x: p.x + 8, y: p.y + 20, fill: m === focus ? "#fff" : "#1d2430" }).forEach(([k, v]) => text.setAttribute(k, String(v)));
    text.textContent = m.length > 20 ? `${m.slice(0, 19)}…` : m;
    link.append(rect, text);
    svg.append(link);
  }
  return svg;
}

/** A behavioural p-value as the CLI writes it. */
const pBehaviour = (x) => (x < 1e-3 ? x.toExponential(1) : x.toPrecision(2));

/**
 * The scan's behaviour section (with "behaviour"): was the suspect trained on a registered model's
 * outputs? Admins get each target's controls; owners and analysts get no counts, and the public a
 * note only (src/api/behaviour-views.ts).
 */
function behaviourSection(b) {
  const box = el("div", { "data-testid": "behaviour" }, el("h3", {}, "Behaviour: trained on a registered model's outputs?"));
  if (b.candidates.length === 0) {
    box.append(el("p", { "data-testid": "behaviour-note" }, b.testsCorrectedFor === 0 ? `Nothing tested: ${b.note}` : b.note ?? "No registered model tested."));
  } else {
    box.append(el("p", {}, b.derived.length ? `Behaviour-derived from ${b.derived.join(", ")}` : "Behaviour-derived from no registered model"),
      el("p", {}, `p-values adjusted for ${b.testsCorrectedFor} tests (Bonferroni): each target is judged at alpha ${pBehaviour(b.alphaPerTest)}.`));
    const controls = (c) => (c.controls ? c.controls.map((x) => `${x.name} ${x.agreement.toFixed(3)}`).join(", ") : "not shown");
    // the verdict's reason as its cell's title: a column of sentences does not fit a phone
    const t = table([["target", (c) => c.name], ["verdict", (c) => el("span", { title: c.reason }, c.verdict)], ["p", (c) => pBehaviour(c.pValue)], ["adjusted p", (c) => pBehaviour(c.pAdjusted)],
      ["agreement", (c) => c.effect.suspectAgreement.toFixed(3)], ["controls (agreement)", controls]], b.candidates);
    t.querySelectorAll("tbody tr").forEach((row, i) => row.setAttribute("data-candidate", b.candidates[i].name));
    box.append(t);
  }
  if (b.identical.length) box.append(el("p", {}, `Behaves identically to ${b.identical.join(", ")} (not tested).`));
  box.append(el("p", { class: "cost" }, `Probes ${b.probesVersion}; cost ${b.cost.tokens} tokens, ${b.cost.seconds.toFixed(1)} s of forward passes.`));
  return box;
}

function scanResult(job) {
  const doc = job.result.document;
  const best = doc.matches.find((m) => m.verdict === "derived") ?? doc.matches[0];
  const download = (format) => el("button", { type: "button", onclick: async () => {
    const r = await fetch(`/api/jobs/${encodeURIComponent(job.id)}/export/${format}`, { headers: headers() });
    const url = URL.createObjectURL(await r.blob());
    el("a", { href: url, download: `scan.${format}.json` }).click();
    URL.revokeObjectURL(url);
  } }, format);
  return el("div", { "data-testid": "scan-result" },
    el("h3", {}, doc.derivedFrom.length ? `Derived from ${doc.derivedFrom.join(", ")}` : "No registered model's weights found"),
    table([["registered model", (m) => m.name], ["owner", (m) => m.owner], ["tier", (m) => tier(m.tier)], ["verdict", (m) => m.verdict], ["p", (m) => pText(m.log10PValue)], ["direction", (m) => m.direction]], doc.matches),
    el("h3", {}, "Findings"),
    doc.findings.map((f) => el("div", { class: `finding ${f.severity}`, "data-finding": f.id }, el("strong", {}, `${f.severity}: ${f.title}`), el("div", {}, f.detail))),
    best ? [el("h3", {}, `Layers of the suspect against ${best.name}`), heatmap(best.layerMap)] : [],
    doc.behaviour ? behaviourSection(doc.behaviour) : [],
    el("h3", {}, "Download"), el("div", { class: "row" }, ["json", "cyclonedx", "spdx", "sarif"].map(download)));
}

/** The scan page; with a job's id (#scan/<id>), that finished scan's result under the form. */
function scanPage(id) {
  const bar = el("progress", { max: 1, value: 0, hidden: true });
  const status = el("p", { role: "status" });
  const out = el("div");
  const run = async (start) => {
    out.replaceChildren();
    bar.hidden = false;
    bar.removeAttribute("value");
    try {
      const job = await start();
      status.textContent = `job ${job.id}: ${job.status}`;
      const done = await follow(job.id, (p) => {
        // a stage without counts (a scan's comparisons, for all but admins): an indeterminate bar
        if (p.total) {
          bar.max = p.total;
          bar.value = p.done;
        } else bar.removeAttribute("value");
        status.textContent = p.total ? `${p.stage}: ${p.done} of ${p.total}` : `${p.stage}…`;
      });
      bar.hidden = true;
      status.textContent = `job ${done.id}: ${done.status}`;
      out.replaceChildren(done.status === "done" ? scanResult(done) : failed(new Error(done.error?.message ?? done.status)));
      // the finished scan's own address (no hashchange: the page stays as it is)
      if (done.status === "done") history.replaceState(null, "", `#scan/${encodeURIComponent(done.id)}`);
    } catch (e) {
      bar.hidden = true;
      out.replaceChildren(failed(e));
    }
  };
  // the behavioural test runs the suspect on the probe texts: it costs forward passes, so it is asked for
  const behaviour = el("input", { type: "checkbox", name: "behaviour" });
  const pathForm = el("form", { class: "row" }, el("input", { name: "path", placeholder: "a model under the server's roots", "aria-label": "model path", size: 40 }), el("button", { type: "submit" }, "Scan path"),
    el("label", {}, behaviour, " behaviour (forward passes)"));
  pathForm.addEventListener("submit", (e) => {
    e.preventDefault();
    void run(() => api("POST", "/api/scans", { path: pathForm.path.value, ...(behaviour.checked ? { behaviour: true } : {}) }));
  });
  const file = el("input", { type: "file", "aria-label": "weight file", accept: ".gguf,.safetensors,.bin,.pt,.pth" });
  const upload = (f) => run(() => api("POST", `/api/scans?filename=${encodeURIComponent(f.name)}${behaviour.checked ? "&behaviour=true" : ""}`, f, "application/octet-stream"));
  file.addEventListener("change", () => file.files[0] && void upload(file.files[0]));
  const drop = el("div", { class: "drop" }, "Drop a weight file here, or ", file);
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); if (e.dataTransfer.files[0]) void upload(e.dataTransfer.files[0]); });
  main.replaceChildren(el("section", {}, el("h2", {}, "Scan a suspect model"), pathForm, drop, bar, status, out));
  if (id) {
    void api("GET", `/api/jobs/${encodeURIComponent(id)}`).then((job) => {
      status.textContent = `job ${job.id}: ${job.status}`;
      if (job.kind === "scan" && job.status === "done") out.replaceChildren(scanResult(job));
    }, (e) => out.replaceChildren(failed(e)));
  }
}

function comparePage() {
  const form = el("form", { class: "row" }, el("input", { name: "a", placeholder: "A (reference)", "aria-label": "model A" }), el("input", { name: "b", placeholder: "B (suspect)", "aria-label": "model B" }), el("button", { type: "submit" }, "Compare"));
  const out = el("div");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    out.replaceChildren(el("progress"));
    try {
      const job = await api("POST", "/api/compare", { a: form.a.value, b: form.b.value });
      const done = await follow(job.id, () => {});
      if (done.status !== "done") throw new Error(done.error?.message ?? done.status);
      const d = done.result.document;
      out.replaceChildren(el("h3", {}, `${d.verdict} (p ${pText(d.log10PValue)})`), el("p", {}, d.reason ?? ""),
        el("h3", {}, "What was done"), el("ul", {}, (d.transforms ?? []).map((t) => el("li", {}, `${t.kind}: ${t.detail}`))),
        el("h3", {}, "Layers of B against A"), heatmap(d.layerMap ?? []));
    } catch (err) {
      out.replaceChildren(failed(err));
    }
  });
  main.replaceChildren(el("section", {}, el("h2", {}, "Compare two models"), form, out));
}

async function listPage(title, path, key, columns) {
  const box = el("section", {}, el("h2", {}, title));
  main.replaceChildren(box);
  try {
    box.append(table(columns, (await api("GET", path))[key]));
  } catch (e) {
    box.append(failed(e));
  }
}

function route() {
  const [page, arg] = location.hash.slice(1).split("/");
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.getAttribute("href") === `#${page}`);
  if (page === "model" && arg) return modelPage(decodeURIComponent(arg));
  if (page === "scan") return scanPage(arg && decodeURIComponent(arg));
  if (page === "compare") return comparePage();
  if (page === "alerts") return listPage("Matches against your gated and closed models", "/api/alerts", "alerts", [["when", (a) => a.at], ["model", (a) => a.model], ["tier", (a) => tier(a.tier)], ["suspect", (a) => a.suspect], ["verdict", (a) => a.verdict], ["p", (a) => pText(a.log10PValue)]]);
  if (page === "findings") return listPage("Findings of scans", "/api/findings", "findings", [["when", (f) => f.finishedAt], ["suspect", (f) => f.suspect], ["severity", (f) => f.severity], ["finding", (f) => f.title], ["about", (f) => f.about ?? ""], ["scan", (f) => (f.mine ? "yours" : "another token's")]]);
  if (page === "audit") return listPage("Audit log", "/api/audit", "audit", [["when", (a) => a.at], ["role", (a) => a.role ?? ""], ["action", (a) => a.action], ["target", (a) => a.target], ["detail", (a) => (a.detail ? JSON.stringify(a.detail) : "")]]);
  return modelsPage();
}
window.addEventListener("hashchange", route);
void route();
