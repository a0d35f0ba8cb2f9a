/* channeldesk chat widget. Embed with one tag:
   <script src="https://support.example/widget.js" data-title="Support" data-token="…" async></script>
   Plain JavaScript, no build step. Everything it draws lives in a shadow root; it talks only to
   the api (HTTP + server-sent events), never to the assistant directly. */
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || document.querySelector("channeldesk-chat")) return; // one widget per page
  const cfg = script.dataset;
  const API = (cfg.apiUrl || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  const STYLES = __WIDGET_CSS__;

  const STRINGS = {
    en: {
      title: "Support", open: "Open support chat", close: "Close chat", unread: "{n} unread",
      messages: "Messages", input: "Your message", placeholder: "Type your question…",
      send: "Send", you: "You", bot: "Assistant", agent: "Agent", system: "Notice", said: "{who} said:",
      typing: "The assistant is typing…", withBot: "Assistant", withHuman: "An agent is with you",
      signedIn: "signed in as {name}", suggested: "Suggested replies",
      welcome: "Hi {name}! Ask me about your balance, a payment, a channel or your wallet.",
      welcomeAnon: "Hi! Ask me about payments, channels or wallets. Sign in on the site to ask about your own account.",
      offline: "Connection lost. Reconnecting…", unreachable: "Could not reach the server; check your connection and try again.",
      refused: "You could not be signed in to the chat: {detail}", error: "Something went wrong; please try again.",
    },
    fr: {
      title: "Assistance", open: "Ouvrir le chat d'assistance", close: "Fermer le chat", unread: "{n} non lus",
      messages: "Messages", input: "Votre message", placeholder: "Écrivez votre question…",
      send: "Envoyer", you: "Vous", bot: "Assistant", agent: "Conseiller", system: "Information", said: "{who} a écrit :",
      typing: "L'assistant écrit…", withBot: "Assistant", withHuman: "Un conseiller vous répond",
      signedIn: "connecté en tant que {name}", suggested: "Réponses suggérées",
      welcome: "Bonjour {name} ! Posez-moi une question sur votre solde, un paiement, un canal ou votre portefeuille.",
      welcomeAnon: "Bonjour ! Posez-moi une question sur les paiements, les canaux ou les portefeuilles.",
      offline: "Connexion perdue. Reconnexion…", unreachable: "Serveur injoignable ; vérifiez votre connexion et réessayez.",
      refused: "Connexion au chat impossible : {detail}", error: "Une erreur est survenue ; réessayez.",
    },
    es: {
      title: "Soporte", open: "Abrir el chat de soporte", close: "Cerrar el chat", unread: "{n} sin leer",
      messages: "Mensajes", input: "Tu mensaje", placeholder: "Escribe tu pregunta…",
      send: "Enviar", you: "Tú", bot: "Asistente", agent: "Agente", system: "Aviso", said: "{who} dijo:",
      typing: "El asistente está escribiendo…", withBot: "Asistente", withHuman: "Un agente te atiende",
      signedIn: "sesión de {name}", suggested: "Respuestas sugeridas",
      welcome: "¡Hola, {name}! Pregúntame por tu saldo, un pago, un canal o tu monedero.",
      welcomeAnon: "¡Hola! Pregúntame por pagos, canales o monederos.",
      offline: "Conexión perdida. Reconectando…", unreachable: "No se pudo contactar con el servidor; revisa tu conexión.",
      refused: "No se pudo iniciar sesión en el chat: {detail}", error: "Algo salió mal; inténtalo de nuevo.",
    },
  };
  const wanted = (cfg.lang || document.documentElement.lang || navigator.language || "en").slice(0, 2).toLowerCase();
  const LANG = STRINGS[wanted] ? wanted : "en";
  const T = Object.assign({}, STRINGS.en, STRINGS[LANG]);
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, k) => (values[k] == null ? "" : values[k]));

  // -- state ------------------------------------------------------------------------------------
  let token = cfg.token || "";
  let user = null; // the token's payload (sub, name, wallets), once the api accepted it
  let KEY = "";
  let cid = null;
  let cursor = 0; // last message id received from history or the event stream
  let owner = "bot";
  let unread = 0;
  let isOpen = false;
  let blocked = false;
  let sending = 0;
  let retryMs = 1000;
  let stream = null;
  const seen = new Set(); // stored message ids already shown
  const pending = []; // shown before the api gave them an id: {li, sender, text}
  const payloadTitles = new Map(); // a quick reply's payload is shown as its title

  const store = {
    get: (k) => { try { return localStorage.getItem(k); } catch (e) { return null; } },
    set: (k, v) => { try { v ? localStorage.setItem(k, v) : localStorage.removeItem(k); } catch (e) { /* storage off */ } },
  };

  // -- DOM --------------------------------------------------------------------------------------
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids) if (kid != null) el.append(kid); // strings become text nodes
    return el;
  }
  function icon() {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h2V9H7zm4 0v2h2V9h-2zm4 0v2h2V9h-2z");
    svg.append(path);
    return svg;
  }

  const host = document.createElement("channeldesk-chat");
  if (cfg.position === "left") host.setAttribute("data-position", "left");
  const root = host.attachShadow({ mode: "open" });
  const title = cfg.title || T.title;
  const badge = h("span", { class: "badge", "aria-hidden": "true", hidden: true });
  const launcher = h("button", { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "cd-panel", "aria-label": T.open }, icon(), badge);
  const sub = h("p", { class: "sub" });
  const closeBtn = h("button", { type: "button", class: "close", "aria-label": T.close }, "×");
  const notice = h("div", { class: "notice", role: "status", hidden: true });
  const log = h("ol", { class: "log", role: "log", "aria-live": "polite", "aria-label": T.messages, tabindex: "0" });
  const typing = h("div", { class: "typing", hidden: true }, h("i"), h("i"), h("i"), h("span", { class: "sr" }, T.typing));
  const typingStatus = h("div", { class: "sr", role: "status" });
  const input = h("textarea", { id: "cd-input", rows: "1", maxlength: "2000", placeholder: T.placeholder, autocomplete: "off" });
  const sendBtn = h("button", { type: "submit", class: "send" }, T.send);
  const form = h("form", null, h("label", { class: "sr", for: "cd-input" }, T.input), input, sendBtn);
  const panel = h("section", { class: "panel", id: "cd-panel", role: "dialog", "aria-labelledby": "cd-title", lang: LANG, hidden: true },
    h("header", null, h("div", { class: "titles" }, h("h2", { id: "cd-title" }, title), sub), closeBtn),
    notice, log, typing, typingStatus, form);
  root.append(h("style", null, STYLES), panel, launcher);

  function applyColour() {
    const colour = cfg.color;
    if (!colour || !CSS.supports("color", colour)) return;
    host.style.setProperty("--cd-accent", colour);
    const probe = h("span", { style: "color:" + colour });
    root.append(probe);
    const rgb = (getComputedStyle(probe).color.match(/[\d.]+/g) || []).map(Number);
    probe.remove();
    if (rgb.length < 3) return;
    const lum = (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255;
    host.style.setProperty("--cd-on-accent", lum > 0.6 ? "#111" : "#fff"); // readable on the accent
  }

  // -- formatting: text nodes only, never innerHTML ---------------------------------------------
  const INLINE = /\[([^\]\n]+)\]\(([^\s)]+)\)|\*\*([^*\n]+)\*\*|`([^`\n]+)`|(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)'"])|(?<![\w/.])(\/help\/[\w-]+)|\*([^*\n]+)\*/g;
  function link(label, url) {
    let parsed;
    try { parsed = new URL(url, API + "/"); } catch (e) { return label; }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return label; // no javascript: links
    return h("a", { href: parsed.href, target: "_blank", rel: "noopener noreferrer" }, label);
  }
  function formatInto(el, text) {
    let at = 0;
    let m;
    INLINE.lastIndex = 0;
    while ((m = INLINE.exec(text))) {
      el.append(text.slice(at, m.index));
      if (m[1] !== undefined) el.append(link(m[1], m[2]));
      else if (m[3] !== undefined) el.append(h("strong", null, m[3]));
      else if (m[4] !== undefined) el.append(h("code", null, m[4]));
      else if (m[5] !== undefined || m[6] !== undefined) el.append(link(m[5] || m[6], m[5] || m[6]));
      else el.append(h("em", null, m[7]));
      at = m.index + m[0].length;
    }
    el.append(text.slice(at));
  }
  const clock = new Intl.DateTimeFormat(LANG, { hour: "numeric", minute: "2-digit" });
  const dated = new Intl.DateTimeFormat(LANG, { day: "numeric", month: "short", hour: "numeric", minute: "2-digit" });
  function stamp(iso) {
    const when = iso ? new Date(iso) : new Date();
    const today = when.toDateString() === new Date().toDateString();
    return h("time", { datetime: when.toISOString() }, (today ? clock : dated).format(when));
  }

  // -- messages ---------------------------------------------------------------------------------
  const WHO = { user: T.you, bot: T.bot, agent: T.agent, system: T.system };
  function scrollDown() { log.scrollTop = log.scrollHeight; }
  function clearQuick() { for (const group of log.querySelectorAll(".quick")) group.remove(); }
  function adopt(entry, id) {
    pending.splice(pending.indexOf(entry), 1);
    entry.li.classList.remove("pending");
    if (id != null) seen.add(id);
  }
  /** Show a message once: a stored id is never shown twice, and a message shown before it had an
      id (the user's own turn, a notice) takes its id when the stored copy arrives. */
  function render(m, ephemeral) {
    if (m.id != null) {
      if (seen.has(m.id)) return null;
      const early = pending.find((p) => p.sender === m.sender && p.text === m.text);
      if (early) { adopt(early, m.id); return null; }
      seen.add(m.id);
    }
    if (m.sender === "user") clearQuick();
    const shown = (m.sender === "user" && payloadTitles.get(m.text)) || m.text;
    const bubble = h("div", { class: "bubble" });
    formatInto(bubble, shown);
    const li = h("li", { class: "msg " + m.sender },
      h("span", { class: "sr" }, fill(T.said, { who: WHO[m.sender] || "" }) + " "), bubble,
      m.sender === "system" ? null : h("div", { class: "meta" }, m.sender === "agent" ? T.agent + " · " : "", stamp(m.created_at)));
    if (m.buttons && m.buttons.length) {
      li.append(h("div", { class: "quick", role: "group", "aria-label": T.suggested },
        ...m.buttons.map((b) => {
          payloadTitles.set(b.payload, b.title);
          return h("button", { type: "button", onclick: () => { input.focus(); send(b.payload); } }, b.title);
        })));
    }
    if (m.id == null && !ephemeral) {
      li.classList.add("pending");
      pending.push({ li, sender: m.sender, text: m.text });
    }
    log.append(li);
    scrollDown();
    return li;
  }
  function arrived(m) {
    const li = render(m);
    if (li && m.sender !== "user" && (!isOpen || document.hidden)) { unread += 1; showBadge(); }
  }
  function welcome() {
    if (log.childElementCount) return;
    const name = user && (user.name || user.sub);
    render({ sender: "bot", text: name ? fill(T.welcome, { name }) : T.welcomeAnon }, true);
  }
  function reset() {
    log.replaceChildren();
    seen.clear();
    pending.length = 0;
    cursor = 0;
  }

  // -- chrome -----------------------------------------------------------------------------------
  function showBadge() {
    badge.hidden = unread === 0;
    badge.textContent = unread > 9 ? "9+" : String(unread);
    launcher.setAttribute("aria-label", unread ? T.open + ", " + fill(T.unread, { n: unread }) : T.open);
  }
  function showStatus() {
    const who = owner === "human" ? T.withHuman : T.withBot;
    sub.textContent = user ? who + " · " + fill(T.signedIn, { name: user.name || user.sub }) : who;
  }
  function setOwner(next) {
    if (next && next !== owner) { owner = next; showStatus(); }
  }
  function say(text, kind) {
    notice.hidden = !text;
    notice.textContent = text || "";
    notice.className = "notice" + (kind ? " " + kind : "");
    notice.setAttribute("role", kind === "error" ? "alert" : "status");
  }
  function showTyping() {
    const on = sending > 0 && owner === "bot";
    typing.hidden = !on;
    typingStatus.textContent = on ? T.typing : "";
  }
  function setOpen(open, moveFocus) {
    isOpen = open;
    panel.hidden = !open;
    host.toggleAttribute("data-open", open);
    launcher.setAttribute("aria-expanded", String(open));
    try { sessionStorage.setItem("channeldesk:open", open ? "1" : ""); } catch (e) { /* storage off */ }
    if (open) {
      unread = 0;
      showBadge();
      scrollDown();
      if (moveFocus) (input.disabled ? closeBtn : input).focus();
    } else if (moveFocus) {
      launcher.focus();
    }
  }
  function block(detail) {
    blocked = true;
    input.disabled = sendBtn.disabled = true;
    if (stream) stream.stop();
    say(fill(T.refused, { detail }), "error");
  }
  const why = (res) => (typeof res.data.detail === "string" ? res.data.detail : T.error);

  // -- api --------------------------------------------------------------------------------------
  const renewable = () => Boolean(cfg.tokenProvider || cfg.tokenUrl);
  async function freshToken() {
    try {
      const provider = cfg.tokenProvider && window[cfg.tokenProvider];
      if (typeof provider === "function") return String((await provider()) || "");
      if (cfg.tokenUrl) {
        const r = await fetch(cfg.tokenUrl, { credentials: "same-origin", cache: "no-store" });
        if (r.ok) return String((await r.json()).token || "");
      }
    } catch (e) { /* keep the token we have */ }
    return "";
  }
  function headers(extra) {
    const all = Object.assign({}, extra);
    if (token) all["X-User-Token"] = token;
    return all;
  }
  /** fetch against the api; an expired token is renewed once (token URL or provider). */
  async function call(method, path, body, renewed) {
    const r = await fetch(API + path, {
      method,
      headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = {};
    try { data = (await r.json()) || {}; } catch (e) { /* not JSON */ }
    if (r.status === 401 && data.error === "TokenExpired" && !renewed && renewable()) {
      const next = await freshToken();
      if (next) { token = next; return call(method, path, body, true); }
    }
    return { ok: r.ok, status: r.status, data };
  }
  function payloadOf(jwt) {
    try {
      const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0))));
    } catch (e) { return null; }
  }

  async function loadHistory() {
    let res;
    try { res = await call("GET", "/chat/" + encodeURIComponent(cid) + "/messages"); } catch (e) {
      say(T.unreachable, "error");
      return;
    }
    if (res.status === 401) return block(why(res));
    if (!res.ok) { // gone, or not this visitor's: start afresh
      cid = null;
      store.set(KEY, null);
      reset();
      welcome();
      return;
    }
    reset();
    log.setAttribute("aria-busy", "true");
    for (const m of res.data.messages) {
      render(m);
      cursor = Math.max(cursor, m.id || 0);
    }
    log.removeAttribute("aria-busy");
    owner = res.data.owner;
    showStatus();
    welcome();
    listen();
  }

  async function send(text, retried) {
    if (blocked || !text) return;
    const li = render({ sender: "user", text, created_at: null });
    const entry = pending[pending.length - 1];
    sending += 1;
    showTyping();
    try {
      const res = await call("POST", "/chat/messages", cid ? { conversation_id: cid, text } : { text });
      if (res.ok) {
        if (!cid) { cid = res.data.conversation_id; store.set(KEY, cid); }
        if (pending.includes(entry)) adopt(entry, res.data.user_message_id);
        setOwner(res.data.owner);
        for (const m of res.data.messages) arrived(m);
        say("");
        listen();
        return;
      }
      if (res.status === 401) { li.remove(); adopt(entry); return block(why(res)); }
      if (res.status === 403 && cid && !retried) { // the stored conversation is not ours: a new one
        li.remove();
        adopt(entry);
        cid = null;
        store.set(KEY, null);
        return send(text, true);
      }
      if (res.status >= 500 && cid) { // the api kept the message; the stream confirms it
        say(why(res), "error");
        return;
      }
      li.remove();
      adopt(entry);
      if (!input.value) input.value = text;
      say(why(res), "error");
    } catch (e) {
      li.remove();
      adopt(entry);
      if (!input.value) input.value = text;
      say(T.unreachable, "error");
    } finally {
      sending -= 1;
      showTyping();
    }
  }

  // -- live messages: server-sent events read with fetch (EventSource cannot send the token) ----
  function listen() {
    if (!cid || blocked || (stream && stream.cid === cid)) return;
    if (stream) stream.stop();
    const s = { cid, stopped: false, attempt: null, wake: null };
    s.drop = () => s.attempt && s.attempt.abort();
    s.stop = () => { s.stopped = true; s.drop(); if (s.wake) s.wake(); };
    stream = s;
    follow(s);
  }
  function onEvent(chunk) {
    let id = null;
    let data = "";
    for (const line of chunk.split("\n")) {
      const colon = line.indexOf(":");
      if (colon === 0) continue;
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "id") id = Number(value);
      else if (field === "data") data += (data ? "\n" : "") + value;
      else if (field === "retry" && Number(value) > 0) retryMs = Number(value);
    }
    if (!data) return;
    const m = JSON.parse(data);
    setOwner(m.owner);
    arrived(m);
    if (id) cursor = Math.max(cursor, id);
  }
  async function follow(s) {
    let backoff = 1000;
    while (!s.stopped) {
      let clean = false;
      s.attempt = new AbortController();
      try {
        // Resume after the last message received: nothing missed, and `seen` drops repeats.
        const r = await fetch(API + "/chat/" + encodeURIComponent(s.cid) + "/events?after=" + cursor, {
          headers: headers({ Accept: "text/event-stream", "Last-Event-ID": String(cursor) }),
          signal: s.attempt.signal,
          cache: "no-store",
        });
        if (r.status === 401 && renewable()) {
          const next = await freshToken();
          if (next && next !== token) { token = next; continue; }
        }
        if (!r.ok) {
          const data = await r.json().catch(() => ({}));
          if (r.status === 401) block(typeof data.detail === "string" ? data.detail : T.error);
          if (stream === s) stream = null;
          return;
        }
        if (notice.textContent === T.offline) say("");
        backoff = 1000;
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            onEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
        clean = true; // the api ends each stream after a while; reconnect quietly
      } catch (e) { /* dropped (network, offline) */ }
      if (s.stopped) return;
      if (!clean) say(T.offline);
      await new Promise((resume) => {
        const timer = setTimeout(resume, clean ? retryMs : backoff);
        s.wake = () => { clearTimeout(timer); resume(); };
      });
      if (!clean) backoff = Math.min(backoff * 2, 15000);
    }
  }

  // -- wiring -----------------------------------------------------------------------------------
  launcher.addEventListener("click", () => setOpen(!isOpen, true));
  closeBtn.addEventListener("click", () => setOpen(false, true));
  panel.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { e.preventDefault(); setOpen(false, true); }
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    input.style.height = "";
    send(text);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });
  input.addEventListener("input", () => {
    input.style.height = "";
    input.style.height = Math.min(input.scrollHeight, 120) + "px";
  });
  window.addEventListener("offline", () => stream && stream.drop());
  window.addEventListener("online", () => stream && stream.wake && stream.wake());
  window.addEventListener("storage", (e) => { // another tab started a conversation: follow it
    if (e.key === KEY && e.newValue && e.newValue !== cid) { cid = e.newValue; loadHistory(); }
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && isOpen) { unread = 0; showBadge(); }
  });

  async function start() {
    document.body.append(host);
    applyColour();
    showStatus();
    if (!token && renewable()) token = await freshToken();
    if (token) {
      try {
        const res = await call("GET", "/widget/session");
        if (!res.ok) block(why(res));
        else user = { sub: res.data.user_id, name: res.data.display_name };
      } catch (e) {
        user = payloadOf(token); // the api is unreachable for now; the stream retries later
        say(T.unreachable, "error");
      }
    }
    showStatus();
    KEY = "channeldesk:" + API + ":" + (user && user.sub ? "user:" + user.sub : "anonymous");
    cid = store.get(KEY);
    if (cid && !blocked) await loadHistory();
    if (!blocked) welcome();
    let reopen = false;
    try { reopen = sessionStorage.getItem("channeldesk:open") === "1"; } catch (e) { /* storage off */ }
    if (reopen) setOpen(true, false);
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
