// Comments without a reload. Every form works alone; this sends the same forms by
// fetch and swaps in the partials the server renders (includes/comments.html).

const HEADERS = { "X-Requested-With": "fetch" };
const GENERIC_ERROR = "That could not be sent. Please check your connection and try again.";

const parse = (html) => new DOMParser().parseFromString(html, "text/html").body.firstElementChild;

function showError(form, text) {
  const status = form.querySelector("[data-comment-form-status]");
  if (status) {
    status.replaceChildren(Object.assign(document.createElement("p"), {
      className: "message message-error",
      textContent: text,
    }));
  }
}

// Insert a new comment: a reply after its parent's last descendant, a new thread on top
// (newest first) or at the end.
function insertComment(list, item, parentId) {
  const parent = parentId && document.getElementById(`comment-${parentId}`);
  if (parent) {
    const depth = Number(parent.dataset.depth);
    let last = parent;
    while (last.nextElementSibling && Number(last.nextElementSibling.dataset.depth) > depth) {
      last = last.nextElementSibling;
    }
    last.after(item);
  } else if (list.dataset.sort === "newest") {
    list.prepend(item);
  } else {
    list.append(item);
  }
  document.querySelector("[data-comments-empty]")?.remove();
  item.scrollIntoView({ block: "nearest" });
  item.querySelector(".comment__permalink")?.focus();
}

async function sendComment(form) {
  const button = form.querySelector("button[type=submit]");
  const data = new FormData(form);
  button.disabled = true;
  try {
    const response = await fetch(form.action, { method: "POST", body: data, headers: HEADERS, credentials: "same-origin" });
    const body = await response.text();
    if (response.status === 201) {
      const list = document.querySelector("[data-comment-list]");
      const item = parse(body);
      const shown = document.getElementById(item.id);
      if (shown) {
        // A resend of the same form: the server answers with the comment it already has.
        shown.scrollIntoView({ block: "nearest" });
      } else {
        showRelativeTimes(item);
        insertComment(list, item, data.get("parent"));
      }
      if (form.dataset.replyForm) {
        form.remove();
      } else {
        form.querySelector("textarea").value = "";
        form.querySelector("[data-comment-form-status]").replaceChildren();
      }
      return;
    }
    const isHtml = (response.headers.get("Content-Type") || "").startsWith("text/html");
    const fresh = isHtml && parse(body);
    if (fresh && fresh.matches("[data-comment-form]")) {
      // The server's form keeps the reader's text, shows the errors and a fresh timestamp.
      const suffix = form.dataset.replyForm;
      if (suffix) {
        fresh.dataset.replyForm = suffix;
        renameIds(fresh, suffix);
      }
      form.replaceWith(fresh);
      enhanceForm(fresh);
      fresh.querySelector("[data-comment-form-status]")?.focus();
    } else {
      showError(form, body && !isHtml ? body : GENERIC_ERROR);
    }
  } catch {
    showError(form, GENERIC_ERROR);
  } finally {
    button.disabled = false;
  }
}

function renameIds(form, suffix) {
  for (const element of form.querySelectorAll("[id]")) {
    element.id = `${element.id}-${suffix}`;
  }
  for (const label of form.querySelectorAll("label[for]")) {
    label.htmlFor = `${label.htmlFor}-${suffix}`;
  }
  for (const element of form.querySelectorAll("[aria-describedby]")) {
    element.setAttribute("aria-describedby", element.getAttribute("aria-describedby").split(" ").map((id) => `${id}-${suffix}`).join(" "));
  }
}

function enhanceForm(form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendComment(form);
  });
}

// "Reply" opens a copy of the main form under the comment instead of a new page.
function openReplyForm(link) {
  const item = link.closest("[data-comment]");
  const existing = item.querySelector("[data-reply-form]");
  if (existing) {
    existing.querySelector("textarea").focus();
    return;
  }
  const main = document.querySelector("[data-comment-form]:not([data-reply-form])");
  if (!main) {
    return;
  }
  const form = main.cloneNode(true);
  const parentId = link.dataset.commentReply;
  form.dataset.replyForm = parentId;
  renameIds(form, parentId);
  form.querySelector("[name=parent]").value = parentId;
  form.querySelector("textarea").value = "";
  form.querySelector("[data-comment-form-status]").replaceChildren();
  item.querySelector(".comment__inner").append(form);
  enhanceForm(form);
  form.querySelector("textarea").focus();
}

// Every vote button submits the page's one vote form (it holds the CSRF token) to its
// own comment's address; the answer is that comment's fresh score and buttons. A new
// guest's vote redirects to its confirming address: following it brings back the reader
// cookie set with the vote, which counts it, and the answer is the same fresh score.
async function sendVote(form, button) {
  const votes = button.closest("[data-comment-votes]");
  const score = votes.querySelector("[data-comment-score]");
  const data = new FormData(form);
  data.set("value", button.value);
  try {
    const response = await fetch(button.formAction, { method: "POST", body: data, headers: HEADERS, credentials: "same-origin", redirect: "follow" });
    const body = await response.text();
    if (response.ok) {
      const fresh = parse(body);
      votes.replaceWith(fresh);
      fresh.querySelector(`button[value="${button.value}"]`)?.focus();
    } else {
      button.title = body || GENERIC_ERROR;
      score.textContent = body || GENERIC_ERROR;
    }
  } catch {
    score.textContent = GENERIC_ERROR;
  }
}

// "3 hours ago" beside each comment; the exact time stays in the tooltip. Without
// JavaScript (and in the page cache) the exact time is shown.
const RELATIVE_UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];

function showRelativeTimes(root) {
  const format = new Intl.RelativeTimeFormat(document.documentElement.lang || "en", { numeric: "auto" });
  for (const time of root.querySelectorAll("time[data-relative-time]")) {
    const seconds = (Date.parse(time.dateTime) - Date.now()) / 1000;
    const [unit, size] = RELATIVE_UNITS.find(([, size]) => Math.abs(seconds) >= size) || ["second", 1];
    time.title = time.textContent;
    time.textContent = unit === "second" ? "just now" : format.format(Math.trunc(seconds / size), unit);
  }
}

for (const form of document.querySelectorAll("[data-comment-form]")) {
  enhanceForm(form);
}
document.querySelector("[data-comment-vote-form]")?.addEventListener("submit", (event) => {
  event.preventDefault();
  sendVote(event.currentTarget, event.submitter);
});
showRelativeTimes(document);
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-comment-reply]");
  if (link) {
    event.preventDefault();
    openReplyForm(link);
  }
});

// Replies fold away under their comment ("Hide replies"). The list is flat, in tree
// order, so a comment's replies are the items after it that are deeper. Without
// JavaScript everything shows.
function repliesOf(item) {
  const depth = Number(item.dataset.depth);
  const replies = [];
  for (let next = item.nextElementSibling; next && Number(next.dataset.depth) > depth; next = next.nextElementSibling) {
    replies.push(next);
  }
  return replies;
}

function collapseLabel(count, expanded) {
  return `${expanded ? "Hide" : "Show"} ${count} ${count === 1 ? "reply" : "replies"}`;
}

function addCollapseButtons(list) {
  for (const item of list.querySelectorAll("[data-comment]")) {
    const count = repliesOf(item).length;
    const actions = item.querySelector(".comment__actions");
    if (!count || !actions || actions.querySelector("[data-comment-collapse]")) {
      continue;
    }
    const button = Object.assign(document.createElement("button"), {
      type: "button",
      className: "comment__collapse",
      textContent: collapseLabel(count, true),
    });
    button.dataset.commentCollapse = "";
    button.setAttribute("aria-expanded", "true");
    actions.append(button);
  }
}

function toggleReplies(button) {
  const item = button.closest("[data-comment]");
  const expand = button.getAttribute("aria-expanded") !== "true";
  const replies = repliesOf(item);
  for (const reply of replies) {
    reply.hidden = !expand;
    // Opening a thread opens it whole: folds further down open again too.
    const inner = reply.querySelector("[data-comment-collapse]");
    if (inner && expand) {
      inner.setAttribute("aria-expanded", "true");
      inner.textContent = collapseLabel(repliesOf(reply).length, true);
    }
  }
  button.setAttribute("aria-expanded", String(expand));
  button.textContent = collapseLabel(replies.length, expand);
}

// "Report" fetches the report form under the comment instead of opening its page; the
// form is sent by fetch, and the thanks (or the form again, with what was typed and
// why it was refused) takes its place.
async function openReportForm(link) {
  const item = link.closest("[data-comment]");
  const open = item.querySelector("[data-comment-report-form]");
  if (open) {
    open.querySelector("input")?.focus();
    return;
  }
  try {
    const response = await fetch(link.href, { headers: HEADERS, credentials: "same-origin" });
    if (!response.ok) {
      link.title = GENERIC_ERROR;
      return;
    }
    const form = parse(await response.text());
    item.querySelector(".comment__inner").append(form);
    enhanceReportForm(form);
    form.querySelector("input")?.focus();
  } catch {
    link.title = GENERIC_ERROR;
  }
}

function enhanceReportForm(form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const response = await fetch(form.action, { method: "POST", body: new FormData(form), headers: HEADERS, credentials: "same-origin" });
      const fresh = parse(await response.text());
      if (fresh) {
        form.replaceWith(fresh);
        if (fresh.matches("[data-comment-report-form]")) {
          enhanceReportForm(fresh);
          fresh.querySelector("[data-comment-report-status]")?.focus();
        } else {
          fresh.focus();
        }
        return;
      }
      form.querySelector("[data-comment-report-status]").textContent = GENERIC_ERROR;
    } catch {
      form.querySelector("[data-comment-report-status]").textContent = GENERIC_ERROR;
    } finally {
      button.disabled = false;
    }
  });
}

for (const list of document.querySelectorAll("[data-comment-list]")) {
  addCollapseButtons(list);
}
document.addEventListener("click", (event) => {
  const collapse = event.target.closest("[data-comment-collapse]");
  if (collapse) {
    toggleReplies(collapse);
    return;
  }
  const report = event.target.closest("[data-comment-report]");
  if (report) {
    event.preventDefault();
    openReportForm(report);
  }
});
