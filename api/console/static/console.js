"use strict";
// The agent console: plain JS over the agents' API. All data is rendered with textContent.
const state = { token: sessionStorage.getItem("cd_token"), me: null, agents: {}, tickets: [], selected: null, detail: null };
const nameOf = (id) => (state.agents[id] ? state.agents[id].display_name : id);
const $ = (id) => document.getElementById(id);
const POLL_MS = 3000;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value; else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${state.token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401 && path !== "/agents/login") { signOut("Your session ended; sign in again."); throw new Error("signed out"); }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const detail = data && data.detail;
    throw new Error(typeof detail === "string" ? detail : Array.isArray(detail) ? detail.map((d) => d.msg).join("; ") : `HTTP ${response.status}`);
  }
  return data;
}

function duration(seconds) {
  const sign = seconds < 0 ? "-" : "";
  let s = Math.abs(Math.round(seconds));
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  return sign + (h ? `${h}h ${m}m` : m ? `${m}m ${s}s` : `${s}s`);
}

function slaText(ticket) {
  // The next target that matters: first response until an agent replied, then resolution.
  if (ticket.status === "resolved" || ticket.status === "closed") return { text: ticket.resolution_code || ticket.status, late: false };
  const waitingFirst = !ticket.first_response_at;
  const due = waitingFirst ? ticket.first_response_due : ticket.resolution_due;
  if (!due) return { text: "", late: false };
  const left = (Date.parse(due) - Date.now()) / 1000;
  const what = waitingFirst ? "first reply" : "resolve";
  return left < 0 ? { text: `${what} overdue ${duration(-left)}`, late: true } : { text: `${what} in ${duration(left)}`, late: false };
}

function badge(priority, score) {
  return el("span", { class: `badge p-${priority}`, text: `${priority} ${Math.round(score)}` });
}

// ---- sign-in ----
function showLogin(message) {
  $("app-view").hidden = true; $("login-view").hidden = false;
  $("login-error").textContent = message || "";
}
function signOut(message) {
  sessionStorage.removeItem("cd_token"); state.token = null; state.me = null;
  showLogin(message);
}
$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("login-error").textContent = "";
  try {
    const response = await fetch("/agents/login", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: $("login-username").value, password: $("login-password").value }) });
    const data = await response.json();
    if (!response.ok) { $("login-error").textContent = data.detail || "Sign-in failed"; return; }
    state.token = data.token; sessionStorage.setItem("cd_token", data.token);
    $("login-password").value = "";
    await start();
  } catch (error) { $("login-error").textContent = "Could not reach the server."; }
});
$("logout").addEventListener("click", async () => { try { await api("POST", "/agents/logout"); } catch (e) { /* already out */ } signOut(); });

// ---- queue ----
function queueQuery() {
  const params = new URLSearchParams();
  const status = $("filter-status").value;
  if (status === "active") for (const s of ["open", "assigned", "waiting_on_user"]) params.append("status", s);
  else if (status) params.append("status", status);
  if ($("filter-priority").value) params.set("priority", $("filter-priority").value);
  if ($("filter-kind").value) params.set("kind", $("filter-kind").value);
  if ($("filter-mine").checked && state.me) params.set("assignee", state.me.id);
  return params.toString();
}

async function loadQueue() {
  try {
    state.tickets = await api("GET", `/tickets?${queueQuery()}`);
    $("queue-error").textContent = "";
  } catch (error) { if (state.token) $("queue-error").textContent = error.message; return; }
  renderQueue();
}

function renderQueue() {
  const body = $("queue-table").querySelector("tbody");
  body.replaceChildren();
  for (const t of state.tickets) {
    const sla = slaText(t);
    const row = el("tr", { "data-ticket": t.ticket_id },
      el("td", {}, badge(t.priority, t.priority_score), el("div", { class: "reasons", text: t.priority_reasons.join(" · ") })),
      el("td", {}, el("div", { text: t.kind.replaceAll("_", " ") }), el("div", { class: "muted", text: t.summary.slice(0, 90) })),
      el("td", { text: t.status.replaceAll("_", " ") + (t.assignee_id ? (state.me && t.assignee_id === state.me.id ? " (me)" : ` (${nameOf(t.assignee_id)})`) : "") }),
      el("td", { class: sla.late ? "breached sla" : "sla", "data-ticket-sla": t.ticket_id, text: sla.text }));
    if (t.ticket_id === state.selected) row.classList.add("selected");
    row.addEventListener("click", () => select(t.ticket_id));
    body.append(row);
  }
  $("queue-empty").hidden = state.tickets.length > 0;
}

function tickClocks() {
  for (const t of state.tickets) {
    const cell = document.querySelector(`[data-ticket-sla="${t.ticket_id}"]`);
    if (!cell) continue;
    const sla = slaText(t);
    cell.textContent = sla.text; cell.className = sla.late ? "breached sla" : "sla";
  }
  if (state.detail) renderSla(state.detail);
}

for (const id of ["filter-status", "filter-priority", "filter-kind", "filter-mine"]) $(id).addEventListener("change", loadQueue);
$("claim-next").addEventListener("click", async () => {
  try {
    const ticket = await api("POST", "/tickets/claim-next");
    $("queue-error").textContent = "";
    await loadQueue(); await select(ticket.ticket_id);
  } catch (error) { $("queue-error").textContent = error.message; }
});

// ---- ticket view ----
async function select(ticketId) {
  state.selected = ticketId;
  $("ticket-error").textContent = "";
  await loadTicket();
  renderQueue();
}

async function loadTicket() {
  if (!state.selected) return;
  try { state.detail = await api("GET", `/tickets/${state.selected}`); }
  catch (error) { $("ticket-error").textContent = error.message; return; }
  renderTicket(state.detail);
}

function renderSla(t) {
  const sla = slaText(t);
  $("t-sla").replaceChildren(el("span", { class: sla.late ? "breached" : "", text: sla.text }),
    ...[t.first_response_breached ? el("span", { class: "breached", text: " · first-response SLA breached" }) : null,
      t.resolution_breached ? el("span", { class: "breached", text: " · resolution SLA breached" }) : null].filter(Boolean));
}

function definitionList(pairs) {
  const list = el("dl");
  for (const [key, value] of pairs) {
    if (value === undefined || value === null || value === "") continue;
    list.append(el("dt", { text: key }), el("dd", { text: typeof value === "object" ? JSON.stringify(value) : String(value) }));
  }
  return list;
}

function section(id, title, ...content) {
  const box = $(id);
  box.replaceChildren();
  if (content.every((c) => c == null)) return;
  box.append(el("h4", { text: title }), ...content.filter((c) => c != null));
}

function renderDiagnostics(t) {
  const d = t.diagnostics || {};
  section("t-summary", "Summary", el("p", { text: t.summary }),
    t.user_words ? el("p", { class: "muted", text: `User said: “${t.user_words}”` }) : null,
    definitionList([["user", t.user.user_id || "anonymous"], ["wallets", (t.user.wallets || []).join(", ")],
      ...Object.entries(d.troubleshooting || {})]));
  const fraud = d.fraud;
  section("d-fraud", "Fraud score", fraud ? el("div", {},
    el("div", { class: "value", text: `score ${fraud.score ?? "?"}${fraud.risk_level ? " · " + fraud.risk_level : ""}` }),
    el("ul", {}, ...(fraud.reasons || []).map((r) => el("li", { text: typeof r === "string" ? r : `${r.code}: ${r.detail}` })))) : null);
  section("d-channels", "Channel state", (d.channels || []).length ? el("div", {}, ...d.channels.map((c) => definitionList(Object.entries(c)))) : null);
  section("d-claims", "Claim checks", (d.claim_checks || []).length ? el("ul", {}, ...d.claim_checks.map((c) =>
    el("li", { text: `${c.valid === false || c.ok === false ? "✗" : c.valid || c.ok ? "✓" : "•"} ${c.reason || c.detail || JSON.stringify(c)}` }))) : null);
  section("d-transactions", "Recent transactions", (d.transactions || []).length ? el("table", {},
    el("tbody", {}, ...d.transactions.slice(0, 20).map((x) => el("tr", {},
      el("td", { text: x.type || x.TransactionType || "" }), el("td", { text: x.amount || x.Amount || x.amount_drops || "" }),
      el("td", { class: "muted", text: x.hash || x.id || "" }), el("td", { text: x.result || x.ts || "" }))))) : null);
  section("d-account", "Account overview", d.account_overview ? definitionList(Object.entries(d.account_overview)) : null,
    (d.errors || []).length ? el("p", { class: "error", text: d.errors.join("; ") }) : null);
}

function renderTicket(t) {
  $("ticket-placeholder").hidden = true; $("ticket-body").hidden = false;
  $("t-title").textContent = `${t.kind.replaceAll("_", " ")} · ${t.ticket_id}`;
  const assignee = t.assignee_id ? (state.me && t.assignee_id === state.me.id ? "you" : nameOf(t.assignee_id)) : "nobody";
  $("t-meta").textContent = `${t.status.replaceAll("_", " ")} · assigned to ${assignee} · from ${t.source} · opened ${new Date(t.created_at).toLocaleString()}` +
    (t.reopen_count ? ` · reopened ${t.reopen_count}×` : "") + (t.conversation_owner ? ` · chat owner: ${t.conversation_owner}` : "");
  $("t-priority").replaceChildren(badge(t.priority, t.priority_score), el("span", { class: "reasons", text: " " + t.priority_reasons.join(" · ") }));
  renderSla(t);
  const mine = state.me && (t.assignee_id === state.me.id || state.me.role === "admin");
  const held = t.status === "assigned" || t.status === "waiting_on_user";
  $("act-claim").disabled = t.status !== "open";
  for (const id of ["act-release", "act-resolve", "act-handback", "act-code", "act-summary", "act-transfer", "act-transfer-to"]) $(id).disabled = !(mine && held);
  const others = Object.values(state.agents).filter((a) => a.id !== t.assignee_id);
  const chosen = $("act-transfer-to").value;
  $("act-transfer-to").replaceChildren(...others.map((a) => el("option", { value: a.id, text: a.display_name })));
  if (others.some((a) => a.id === chosen)) $("act-transfer-to").value = chosen;
  $("act-handback").disabled = !(mine && held && t.conversation_owner);
  $("reply-form").querySelector("button").disabled = !(mine && held && t.conversation_owner);

  const transcript = $("t-transcript");
  const atBottom = transcript.scrollTop + transcript.clientHeight >= transcript.scrollHeight - 4;
  transcript.replaceChildren(...t.transcript.map((m) => el("div", { class: `msg ${m.sender}` },
    el("span", { class: "who", text: `${m.sender}${m.ts ? " · " + new Date(m.ts).toLocaleTimeString() : ""}` }), m.text)));
  if (atBottom) transcript.scrollTop = transcript.scrollHeight;
  $("t-notes").replaceChildren(...t.notes.map((n) => el("li", { text: `${n.text} — ${nameOf(n.author_id)}, ${new Date(n.created_at).toLocaleString()}` })));
  $("t-events").replaceChildren(...t.events.map((e) => el("li", { text: `${new Date(e.created_at).toLocaleTimeString()} ${nameOf(e.actor)}: ${e.action.replaceAll("_", " ")}${Object.keys(e.detail).length ? " " + JSON.stringify(e.detail) : ""}` })));
  renderDiagnostics(t);
}

async function act(method, suffix, body) {
  $("ticket-error").textContent = "";
  try {
    const result = await api(method, `/tickets/${state.selected}${suffix}`, body);
    if (result && result.bot_informed === false) $("ticket-error").textContent = "Handed back, but the bot could not be told the summary (assistant unreachable).";
  } catch (error) { $("ticket-error").textContent = error.message; }
  await Promise.all([loadTicket(), loadQueue()]);
}
$("act-claim").addEventListener("click", () => act("POST", "/claim"));
$("act-release").addEventListener("click", () => act("POST", "/release"));
$("act-transfer").addEventListener("click", () => { if ($("act-transfer-to").value) act("POST", "/transfer", { agent_id: $("act-transfer-to").value }); });
$("act-resolve").addEventListener("click", () => act("POST", "/resolve", { resolution_code: $("act-code").value }));
$("act-handback").addEventListener("click", () => {
  const summary = $("act-summary").value.trim();
  if (!summary) { $("ticket-error").textContent = "Write a short summary for the bot first."; return; }
  $("act-summary").value = "";
  act("POST", "/handback", { summary });
});
$("reply-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("reply-text").value.trim();
  if (!text) return;
  $("reply-text").value = "";
  act("POST", "/reply", { text, wait_for_user: $("reply-wait").checked });
});
$("note-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("note-text").value.trim();
  if (!text) return;
  $("note-text").value = "";
  act("POST", "/notes", { text });
});

// ---- dashboard ----
function tile(label, value) { return el("div", { class: "tile" }, el("div", { class: "muted", text: label }), el("div", { class: "value", text: value })); }
function pct(x) { return x == null ? "–" : `${(x * 100).toFixed(1)}%`; }
function secs(x) { return x == null ? "–" : duration(x); }
async function loadDashboard() {
  let s;
  try { s = await api("GET", "/metrics/summary"); } catch (error) { return; }
  $("dash-tiles").replaceChildren(
    tile("Conversations", String(s.conversations)),
    tile("Resolved without a human", pct(s.resolved_without_human_share)),
    tile("Handoff rate", pct(s.handoff_rate)),
    tile("Time to first agent response (median)", secs(s.first_agent_response.p50_seconds)),
    tile("Time to first agent response (p90)", secs(s.first_agent_response.p90_seconds)),
    tile("Time to resolution (median)", secs(s.resolution.p50_seconds)),
    tile("Open tickets", Object.values(s.open_tickets_by_priority).reduce((a, b) => a + b, 0).toString()),
    tile("SLA breaches (first response / resolution)", `${s.first_response_breaches} / ${s.resolution_breaches}`));
}
function showTab(name) {
  $("queue-view").hidden = name !== "queue"; $("dashboard-view").hidden = name !== "dashboard";
  $("tab-queue").classList.toggle("active", name === "queue"); $("tab-dashboard").classList.toggle("active", name === "dashboard");
  if (name === "dashboard") loadDashboard();
}
$("tab-queue").addEventListener("click", () => showTab("queue"));
$("tab-dashboard").addEventListener("click", () => showTab("dashboard"));

// ---- start: live updates by polling (no reload) ----
let timers = [];
async function start() {
  try { state.me = await api("GET", "/agents/me"); } catch (error) { return; }
  $("login-view").hidden = true; $("app-view").hidden = false;
  $("whoami").textContent = `${state.me.display_name} (${state.me.role})`;
  try { state.agents = Object.fromEntries((await api("GET", "/agents")).map((a) => [a.id, a])); } catch (error) { state.agents = {}; }
  await loadQueue();
  timers.forEach(clearInterval);
  timers = [
    setInterval(() => { if (state.token) { loadQueue(); loadTicket(); if (!$("dashboard-view").hidden) loadDashboard(); } }, POLL_MS),
    setInterval(tickClocks, 1000),
  ];
}
if (state.token) start(); else showLogin();
