// Inline feedback in place. Without this, markers and "Comment on this paragraph" are
// links to the passage's own page; here they open the same panel (inline.html#panel)
// beside the passage, and words selected in the body can be commented on directly.

const HEADERS = { "X-Requested-With": "fetch" };
const GENERIC_ERROR = "That could not be loaded or sent. Please check your connection and try again.";
const body = document.querySelector("[data-inline-feedback]");

const parse = (html) => new DOMParser().parseFromString(html, "text/html").body.firstElementChild;
const normalize = (text) => text.replace(/\s+/g, " ").trim();

function message(text, error = false) {
  return Object.assign(document.createElement("p"), {
    className: error ? "message message-error" : "message",
    textContent: text,
  });
}

// A marker is a link without JavaScript and a disclosure button with it.
function toButton(link) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = link.className;
  button.setAttribute("aria-label", link.getAttribute("aria-label"));
  button.setAttribute("aria-controls", link.getAttribute("aria-controls"));
  button.setAttribute("aria-expanded", link.hasAttribute("data-open") ? "true" : "false");
  button.dataset.passageMarker = "";
  button.append(...link.childNodes);
  link.replaceWith(button);
}

function setExpanded(passage, expanded) {
  passage.querySelector("button[data-passage-marker]")?.setAttribute("aria-expanded", String(expanded));
}

async function openPanel(passage, quote = "") {
  let panel = passage.querySelector("[data-passage-panel]");
  if (panel && !quote) {
    panel.hidden = !panel.hidden;
    setExpanded(passage, !panel.hidden);
    if (!panel.hidden) {
      panel.querySelector("textarea")?.focus();
    }
    return;
  }
  const url = new URL(passage.dataset.url, window.location.href);
  if (quote) {
    url.searchParams.set("quote", quote);
  }
  try {
    const response = await fetch(url, { headers: HEADERS, credentials: "same-origin" });
    if (!response.ok) {
      throw new Error(String(response.status));
    }
    const fresh = parse(await response.text());
    if (panel) {
      panel.replaceWith(fresh);
    } else {
      passage.append(fresh);
    }
    panel = fresh;
  } catch {
    passage.querySelector("[data-inline-error]")?.remove();
    const error = message(GENERIC_ERROR, true);
    error.dataset.inlineError = "";
    passage.append(error);
    return;
  }
  setExpanded(passage, true);
  panel.querySelector("textarea")?.focus();
}

async function sendPassageComment(form) {
  const button = form.querySelector("button[type=submit]");
  const status = form.querySelector("[data-comment-form-status]");
  button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: HEADERS,
      credentials: "same-origin",
    });
    const text = await response.text();
    const isHtml = (response.headers.get("Content-Type") || "").startsWith("text/html");
    if (response.status === 201) {
      // The new comment joins the thread (newest first), with its quote.
      const item = parse(text);
      const list = document.querySelector("[data-comment-list]");
      list?.prepend(item);
      document.querySelector("[data-comments-empty]")?.remove();
      const note = item.querySelector(".message")?.textContent || "Thank you: your comment is sent.";
      const done = message(note);
      const link = Object.assign(document.createElement("a"), { href: `#${item.id}`, textContent: "See your comment" });
      done.append(" ", link);
      status.replaceChildren(done);
      form.querySelector("textarea").value = "";
      return;
    }
    const fresh = isHtml && parse(text);
    if (fresh && fresh.matches("[data-comment-form]")) {
      // The server's form keeps the reader's text and shows what is wrong.
      prefixIds(fresh, form.closest("[data-passage]")?.dataset.passage || "passage");
      form.replaceWith(fresh);
      fresh.querySelector("[data-comment-form-status]")?.focus();
    } else {
      status.replaceChildren(message(text && !isHtml ? text : GENERIC_ERROR, true));
    }
  } catch {
    status.replaceChildren(message(GENERIC_ERROR, true));
  } finally {
    button.disabled = false;
  }
}

// "Comment on this passage": offered beside the paragraph where words are selected.
const offer = Object.assign(document.createElement("button"), {
  type: "button",
  className: "passage-offer",
  textContent: "Comment on this passage",
});

function selectedPassage() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) {
    return null;
  }
  const range = selection.getRangeAt(0);
  const blockOf = (node) => (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement)?.closest("[data-passage] > [id^=\"b-\"]");
  const block = blockOf(range.startContainer);
  if (!block || block !== blockOf(range.endContainer) || !body.contains(block)) {
    return null;
  }
  const quote = normalize(selection.toString());
  return quote ? { passage: block.closest("[data-passage]"), quote } : null;
}

function updateOffer() {
  const found = selectedPassage();
  if (!found || !found.passage.dataset.url || !found.passage.querySelector("[data-passage-comment]")) {
    offer.remove();
    return;
  }
  offer.dataset.quote = found.quote;
  const tools = found.passage.querySelector(".passage__tools");
  if (offer.parentElement !== tools) {
    tools.prepend(offer);
  }
}

// Keep the selection when the offer is pressed, so that it is still there on click.
offer.addEventListener("mousedown", (event) => event.preventDefault());

// A form the server sent back has the main form's ids: give them the passage's prefix.
function prefixIds(form, prefix) {
  for (const element of form.querySelectorAll("[id]")) {
    element.id = `${prefix}-${element.id}`;
  }
  for (const label of form.querySelectorAll("label[for]")) {
    label.htmlFor = `${prefix}-${label.htmlFor}`;
  }
  for (const element of form.querySelectorAll("[aria-describedby]")) {
    const ids = element.getAttribute("aria-describedby").split(" ");
    element.setAttribute("aria-describedby", ids.map((id) => `${prefix}-${id}`).join(" "));
  }
}

if (body) {
  for (const link of body.querySelectorAll("a[data-passage-marker]")) {
    toButton(link);
  }
  body.addEventListener("click", (event) => {
    const marker = event.target.closest("[data-passage-marker], [data-passage-comment]");
    if (marker) {
      event.preventDefault();
      openPanel(marker.closest("[data-passage]"));
    } else if (event.target === offer) {
      const passage = offer.closest("[data-passage]");
      offer.remove();
      openPanel(passage, offer.dataset.quote);
    }
  });
  // Selections end with the mouse or the keyboard; a click elsewhere clears them.
  document.addEventListener("selectionchange", () => window.requestAnimationFrame(updateOffer));
  // Forms in panels that came from the server after load; comments.js handles the others.
  body.addEventListener("submit", (event) => {
    const form = event.target.closest("[data-passage-panel] form");
    if (form && !event.defaultPrevented) {
      event.preventDefault();
      sendPassageComment(form);
    }
  });
  body.addEventListener("keydown", (event) => {
    const panel = event.target.closest("[data-passage-panel]");
    if (event.key === "Escape" && panel) {
      panel.hidden = true;
      const passage = panel.closest("[data-passage]");
      setExpanded(passage, false);
      passage.querySelector("[data-passage-marker], [data-passage-comment]")?.focus();
    }
  });
}
