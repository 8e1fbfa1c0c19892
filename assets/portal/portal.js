// The customer portal: start a session by any entry path, chat over /ws/customer, and come
// back to the same session after a reload or a dropped connection. The server checks
// everything; this page shows the server's own messages when it refuses something.
// Remote support (a rep asking to see this page) is remote.js's, the offer of the program
// (`client_offered`) offer.js's; this file routes to them.
"use strict";

(() => {
  const PROTOCOL_VERSION = 1;
  const STORAGE_KEY = "switchboard.portal.session";
  const REPS_REFRESH_MS = 5000;
  const MAX_RETRY_MS = 10000;

  const $ = (id) => document.getElementById(id);
  const fixedRoute = parseRoute(document.body.dataset.route);

  /** The session this page belongs to, as kept in localStorage. */
  let saved = loadSaved();
  let socket = null;
  let nextRequestId = 1;
  let retryMs = 500;
  let retryTimer = null;
  let repsTimer = null;
  /** The rep list as last drawn, so an unchanged list is not redrawn (focus stays put). */
  let repsShown = null;
  let over = false;
  let queueStatus = null;
  const repsHere = new Set();
  /** Request id -> client_msg_id of chat messages waiting for their `ok`. */
  const inFlight = new Map();
  /** Request id -> the resolver of an `ask` waiting for its `ok` or `error`. */
  const asked = new Map();
  /** Consent cards, the viewing banner and sharing this page (remote.js). */
  const remote = window.SwitchboardRemote.create({
    ask,
    addToChat: (item) => {
      $("messages").append(item);
      scrollToEnd();
    },
    note: appendNote,
  });
  /** The card offering the Switchboard program (offer.js). */
  const offer = window.SwitchboardOffer.create({
    addToChat: (item) => {
      $("messages").append(item);
      scrollToEnd();
    },
    clock,
  });

  function parseRoute(text) {
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  }

  function loadSaved() {
    try {
      const value = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
      if (value && typeof value.session_id === "number" && typeof value.customer_token === "string") {
        value.pending = Array.isArray(value.pending) ? value.pending : [];
        return value;
      }
    } catch {
      // A damaged entry is the same as none.
    }
    return null;
  }

  function store() {
    if (saved) localStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
    else localStorage.removeItem(STORAGE_KEY);
  }

  function socketUrl() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    // On an iPhone or iPad the rep may send iOS's own screen broadcast steps; the server only
    // needs to know that. An iPad presents itself as a Mac, but a Mac has no touch screen.
    const ios =
      /iPhone|iPad|iPod/.test(navigator.userAgent) ||
      (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
    return `${scheme}//${location.host}/ws/customer${ios ? "?platform=ios" : ""}`;
  }

  function newClientId() {
    const random = Math.random().toString(36).slice(2, 10);
    return `p-${Date.now().toString(36)}-${random}`;
  }

  function clock(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function minutes(secs) {
    if (secs < 60) return "less than a minute";
    const n = Math.round(secs / 60);
    return n === 1 ? "about 1 minute" : `about ${n} minutes`;
  }

  // ---- start form ----------------------------------------------------------------------

  function selectedHow() {
    const checked = document.querySelector('input[name="how"]:checked');
    return checked ? checked.value : "rep";
  }

  function showPanel() {
    const how = selectedHow();
    $("panel-rep").hidden = how !== "rep";
    $("panel-issue").hidden = how !== "issue";
    $("panel-key").hidden = how !== "key";
  }

  async function loadIssues() {
    try {
      const response = await fetch("/api/issues");
      if (!response.ok) return;
      const issues = await response.json();
      const select = $("issue");
      for (const issue of issues) {
        const option = document.createElement("option");
        option.value = issue.issue;
        option.textContent = issue.display_name;
        select.append(option);
      }
    } catch {
      // The list stays empty; the other ways still work.
    }
  }

  async function refreshReps() {
    let reps;
    try {
      const response = await fetch("/api/reps/available", { cache: "no-store" });
      if (!response.ok) return;
      reps = await response.json();
    } catch {
      return;
    }
    const key = JSON.stringify(reps);
    if (key === repsShown) return;
    repsShown = key;
    const list = $("reps");
    const chosen = document.querySelector('input[name="rep"]:checked');
    const keep = chosen ? chosen.value : null;
    list.replaceChildren();
    for (const rep of reps) {
      const item = document.createElement("li");
      item.className = "rep";
      const label = document.createElement("label");
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "rep";
      radio.value = rep.rep;
      radio.checked = rep.rep === keep;
      const dot = document.createElement("span");
      dot.className = "dot";
      dot.setAttribute("aria-hidden", "true");
      label.append(radio, dot, document.createTextNode(rep.display_name));
      item.append(label);
      list.append(item);
    }
    $("reps-empty").hidden = reps.length > 0;
  }

  function chosenRoute() {
    if (fixedRoute) return fixedRoute;
    switch (selectedHow()) {
      case "rep": {
        const rep = document.querySelector('input[name="rep"]:checked');
        return rep ? { via: "rep", rep: rep.value } : null;
      }
      case "issue": {
        const issue = $("issue").value;
        return issue ? { via: "issue", issue } : null;
      }
      default:
        return { via: "session_key", key: $("key").value.trim() };
    }
  }

  function missingChoiceMessage() {
    return selectedHow() === "rep"
      ? "Please pick a representative from the list."
      : "Please choose an issue.";
  }

  function startSession(event) {
    event.preventDefault();
    const route = chosenRoute();
    if (!route) {
      $("form-error").textContent = missingChoiceMessage();
      return;
    }
    const customer = { name: $("name").value };
    const company = $("company").value.trim();
    const question = $("question").value.trim();
    const contact = $("contact").value.trim();
    if (company) customer.company = company;
    if (question) customer.question = question;
    if (contact) customer.contact = contact;
    $("form-error").textContent = "";
    $("start").disabled = true;
    connect({ type: "start", protocol_version: PROTOCOL_VERSION, customer, route });
  }

  // ---- connection ----------------------------------------------------------------------

  function connect(hello) {
    clearTimeout(retryTimer);
    const ws = new WebSocket(socketUrl());
    socket = ws;
    let started = false;
    ws.onopen = () => ws.send(JSON.stringify(hello));
    ws.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === "session_started") started = true;
      if (!started && message.type === "error" && message.id === undefined) {
        refusedHello(hello, message);
        return;
      }
      handle(message);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      for (const resolve of asked.values()) resolve(null);
      asked.clear();
      if (!started && hello.type === "start") {
        if ($("start").disabled && !$("form-error").textContent) {
          $("form-error").textContent = "We could not reach the support server. Please try again.";
        }
        $("start").disabled = false;
        return;
      }
      if (!over && saved) scheduleReconnect();
    };
  }

  function refusedHello(hello, error) {
    if (hello.type === "start") {
      $("form-error").textContent = error.message;
      $("start").disabled = false;
      return;
    }
    if (error.code === "unauthorized" || error.code === "not_found") {
      // The server no longer knows this session: start afresh, saying why.
      saved = null;
      store();
      showStart();
      $("form-error").textContent = "We could not find your previous chat. Please start a new one.";
    }
  }

  function scheduleReconnect() {
    setStatus("Connection lost. Reconnecting…");
    retryTimer = setTimeout(resume, retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  }

  function resume() {
    if (!saved || over) return;
    connect({
      type: "resume",
      protocol_version: PROTOCOL_VERSION,
      session_id: saved.session_id,
      customer_token: saved.customer_token,
    });
  }

  function send(request) {
    const id = nextRequestId++;
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ id, ...request }));
      return id;
    }
    return null;
  }

  /** Sends a request and resolves with its `ok` or `error` (null if it could not go). */
  function ask(request) {
    return new Promise((resolve) => {
      const id = send(request);
      if (id === null) resolve(null);
      else asked.set(id, resolve);
    });
  }

  // ---- what the server says ------------------------------------------------------------

  function handle(message) {
    switch (message.type) {
      case "session_started":
        sessionStarted(message);
        break;
      case "queue_status":
        queueStatus = message;
        describe();
        break;
      case "chat":
        appendMessage(message.message);
        break;
      case "rep_joined":
        repsHere.add(message.name);
        queueStatus = null;
        appendNote(`${message.name} joined the chat.`);
        describe();
        break;
      case "rep_left":
        repsHere.delete(message.name);
        appendNote(`${message.name} left the chat.`);
        describe();
        break;
      case "remote_updated":
        if (!over) remote.update(message.grants);
        break;
      case "card":
        appendCard(message.card);
        break;
      case "client_offered":
        if (!over) offer.show(message);
        break;
      case "disconnected":
      case "session_ended":
        finish(message.message);
        break;
      case "ok":
        delivered(message);
        break;
      case "error":
        refused(message);
        break;
      default:
        break;
    }
  }

  function sessionStarted(message) {
    retryMs = 500;
    saved = {
      session_id: message.session_id,
      customer_token: message.customer_token,
      pending: saved && saved.session_id === message.session_id ? saved.pending : [],
    };
    store();
    showChat();
    $("messages").replaceChildren();
    repsHere.clear();
    for (const name of message.reps) repsHere.add(name);
    const stored = new Set();
    for (const chat of message.chat) {
      appendMessage(chat);
      if (chat.client_msg_id) stored.add(chat.client_msg_id);
    }
    if (message.ended) {
      finish("This chat has ended.");
      return;
    }
    remote.update(message.grants || []);
    queueStatus = null;
    describe();
    // Messages typed before a reload or while offline: those the server has are done,
    // the rest go now (the server ignores a client_msg_id it already stored).
    saved.pending = saved.pending.filter((p) => !stored.has(p.client_msg_id));
    store();
    for (const pending of saved.pending) {
      appendPending(pending);
      transmit(pending);
    }
  }

  function describe() {
    if (over) return;
    if (repsHere.size > 0) {
      setStatus(`You are chatting with ${[...repsHere].join(" and ")}.`);
    } else if (queueStatus) {
      const place = queueStatus.position === 1 ? "You are next in the queue." : `You are number ${queueStatus.position} in the queue.`;
      setStatus(`Waiting for a representative. ${place} Estimated wait: ${minutes(queueStatus.estimated_wait_secs)}.`);
    } else {
      setStatus("Waiting for a representative…");
    }
  }

  function setStatus(text) {
    $("status").textContent = text;
  }

  function delivered(ok) {
    const answer = asked.get(ok.id);
    if (answer) {
      asked.delete(ok.id);
      answer(ok);
      return;
    }
    const clientId = inFlight.get(ok.id);
    if (clientId === undefined) return;
    inFlight.delete(ok.id);
    saved.pending = saved.pending.filter((p) => p.client_msg_id !== clientId);
    store();
    const item = document.querySelector(`[data-client-id="${CSS.escape(clientId)}"]`);
    if (item && ok.message) item.replaceWith(messageItem(ok.message));
  }

  function refused(error) {
    const answer = error.id === undefined ? undefined : asked.get(error.id);
    if (answer) {
      asked.delete(error.id);
      answer(error);
      if (error.code === "session_ended") finish(error.message);
      return;
    }
    const clientId = error.id === undefined ? undefined : inFlight.get(error.id);
    if (clientId !== undefined) {
      // The server will never take this message: show why and give the text back.
      inFlight.delete(error.id);
      const pending = saved.pending.find((p) => p.client_msg_id === clientId);
      saved.pending = saved.pending.filter((p) => p.client_msg_id !== clientId);
      store();
      const item = document.querySelector(`[data-client-id="${CSS.escape(clientId)}"]`);
      if (item) item.remove();
      if (pending && !$("message").value) $("message").value = pending.text;
    }
    if (error.code === "session_ended") {
      finish(error.message);
      return;
    }
    $("chat-error").textContent = error.message;
  }

  function finish(text) {
    over = true;
    remote.end();
    offer.end();
    clearTimeout(retryTimer);
    setStatus("");
    $("ended-message").textContent = text;
    $("ended").hidden = false;
    $("composer").hidden = true;
    $("leave").hidden = true;
    if (saved) {
      saved.pending = [];
      saved.over = true;
      store();
    }
  }

  // ---- the conversation ----------------------------------------------------------------

  function messageItem(chat) {
    const item = document.createElement("li");
    const author = chat.author || {};
    item.className = "message";
    const who = document.createElement("span");
    who.className = "who";
    if (author.kind === "customer") {
      item.classList.add("mine");
      who.textContent = `You · ${clock(chat.at)}`;
    } else if (author.kind === "rep") {
      who.textContent = `${author.name} · ${clock(chat.at)}`;
    } else {
      item.classList.add("system");
    }
    if (author.kind !== "system") item.append(who);
    if (chat.attachment) {
      item.append(fileEntry(chat.attachment));
    } else {
      const text = document.createElement("span");
      text.className = "text";
      text.textContent = chat.text;
      item.append(text);
    }
    return item;
  }

  function fileSize(bytes) {
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
    return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  }

  /** A shared file: its name, size and a Download button. */
  function fileEntry(attachment) {
    const box = document.createElement("span");
    box.className = "file";
    const name = document.createElement("span");
    name.className = "text";
    name.textContent = attachment.name;
    const size = document.createElement("span");
    size.className = "size";
    size.textContent = fileSize(attachment.size);
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Download";
    button.setAttribute("aria-label", `Download ${attachment.name}`);
    button.addEventListener("click", () => downloadFile(attachment));
    box.append(name, size, button);
    return box;
  }

  function authHeader() {
    return { Authorization: `Customer ${saved.customer_token}` };
  }

  /** The server's refusal message for a failed HTTP call. */
  async function refusal(response, fallback) {
    try {
      const body = await response.json();
      return body.message || fallback;
    } catch {
      return fallback;
    }
  }

  async function downloadFile(attachment) {
    if (!saved) return;
    $("chat-error").textContent = "";
    try {
      const response = await fetch(`/api/files/${encodeURIComponent(attachment.file_id)}`, {
        headers: authHeader(),
      });
      if (!response.ok) {
        $("chat-error").textContent = await refusal(response, "The file could not be downloaded.");
        return;
      }
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = attachment.name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch {
      $("chat-error").textContent = "The file could not be downloaded. Please try again.";
    }
  }

  async function uploadFile() {
    const input = $("file");
    const file = input.files && input.files[0];
    input.value = "";
    if (!file || !saved || over) return;
    $("chat-error").textContent = "";
    setStatus(`Sending ${file.name}…`);
    try {
      const url = `/api/sessions/${saved.session_id}/files?name=${encodeURIComponent(file.name)}`;
      const response = await fetch(url, { method: "POST", headers: authHeader(), body: file });
      if (!response.ok) {
        $("chat-error").textContent = await refusal(response, "The file could not be sent.");
        return;
      }
      appendMessage(await response.json());
    } catch {
      $("chat-error").textContent = "The file could not be sent. Please try again.";
    } finally {
      describe();
    }
  }

  function scrollToEnd() {
    const list = $("messages");
    list.scrollTop = list.scrollHeight;
  }

  function appendMessage(chat) {
    if (chat.client_msg_id) {
      const mine = document.querySelector(`[data-client-id="${CSS.escape(chat.client_msg_id)}"]`);
      if (mine) mine.remove();
    }
    $("messages").append(messageItem(chat));
    scrollToEnd();
  }

  function appendNote(text) {
    const item = document.createElement("li");
    item.className = "message system";
    item.textContent = text;
    $("messages").append(item);
    scrollToEnd();
  }

  // A card of steps from the rep (iOS's screen broadcast): text only, never markup.
  function appendCard(card) {
    const item = document.createElement("li");
    item.className = "message card";
    const title = document.createElement("strong");
    title.textContent = card.title;
    const steps = document.createElement("ol");
    for (const step of card.steps) {
      const line = document.createElement("li");
      line.textContent = step;
      steps.append(line);
    }
    const note = document.createElement("p");
    note.className = "card-note";
    note.textContent = card.note;
    item.append(title, steps, note);
    $("messages").append(item);
    scrollToEnd();
  }

  function appendPending(pending) {
    const item = messageItem({ author: { kind: "customer" }, text: pending.text, at: pending.at });
    item.classList.add("pending");
    item.dataset.clientId = pending.client_msg_id;
    $("messages").append(item);
    scrollToEnd();
  }

  function transmit(pending) {
    const id = send({ type: "chat", client_msg_id: pending.client_msg_id, text: pending.text });
    if (id !== null) inFlight.set(id, pending.client_msg_id);
  }

  function sendMessage(event) {
    event.preventDefault();
    const text = $("message").value;
    if (!text.trim() || over || !saved) return;
    $("chat-error").textContent = "";
    const pending = { client_msg_id: newClientId(), text, at: Date.now() };
    saved.pending.push(pending);
    store();
    $("message").value = "";
    appendPending(pending);
    transmit(pending);
  }

  function leave() {
    if (send({ type: "leave" }) === null) {
      saved = null;
      store();
    }
    finish("You ended the chat. Thank you for contacting us.");
  }

  // ---- views ---------------------------------------------------------------------------

  function showStart() {
    over = false;
    $("start-view").hidden = false;
    $("chat-view").hidden = true;
    $("start").disabled = false;
    $("how").hidden = fixedRoute !== null;
    if (!fixedRoute && repsTimer === null) {
      refreshReps();
      repsTimer = setInterval(refreshReps, REPS_REFRESH_MS);
    }
    $("name").focus();
  }

  function showChat() {
    $("start-view").hidden = true;
    $("chat-view").hidden = false;
    $("ended").hidden = true;
    $("composer").hidden = false;
    $("leave").hidden = false;
    $("chat-error").textContent = "";
    if (repsTimer !== null) {
      clearInterval(repsTimer);
      repsTimer = null;
    }
    $("message").focus();
  }

  function newChat() {
    remote.end();
    if (socket) socket.close();
    socket = null;
    saved = null;
    store();
    queueStatus = null;
    repsHere.clear();
    inFlight.clear();
    $("messages").replaceChildren();
    $("form-error").textContent = "";
    showStart();
  }

  function init() {
    $("start-form").addEventListener("submit", startSession);
    for (const radio of document.querySelectorAll('input[name="how"]')) {
      radio.addEventListener("change", showPanel);
    }
    $("composer").addEventListener("submit", sendMessage);
    $("message").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        sendMessage(event);
      }
    });
    $("leave").addEventListener("click", leave);
    $("attach").addEventListener("click", () => $("file").click());
    $("file").addEventListener("change", uploadFile);
    $("new-chat").addEventListener("click", newChat);
    if (!fixedRoute) loadIssues();
    if (saved && saved.over) {
      // A finished chat is not resumed: a reload after the end offers a new one.
      saved = null;
      store();
    }
    if (saved) {
      showChat();
      setStatus("Reconnecting to your chat…");
      resume();
    } else {
      showStart();
    }
  }

  init();
})();
