// Article rating without a reload: the plain form works alone; this sends it by
// fetch and swaps in the figures the server renders (rating.html#figures).
// A new guest's vote is answered with a redirect to its confirming address: the
// browser keeps the reader cookie set with it, and following the redirect brings the
// cookie back, which counts the vote; that answer carries the new figures.

const GENERIC_ERROR = "Your vote could not be sent. Please reload the page and try again.";

async function sendVote(form) {
  const status = form.querySelector("[data-rating-status]");
  const button = form.querySelector("button[type=submit]");
  const data = new FormData(form);
  const score = data.get("score");
  const show = (text, kind) => {
    status.textContent = text;
    status.classList.toggle("rating__status--error", kind === "error");
    status.classList.toggle("rating__status--ok", kind === "ok");
  };
  if (!score) {
    show("Choose from 1 to 5 stars, then send your vote.", "error");
    return;
  }
  button.disabled = true;
  show("Sending your vote…");
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
      redirect: "follow",
    });
    const body = await response.text();
    if (!response.ok) {
      const isText = (response.headers.get("Content-Type") || "").startsWith("text/plain");
      show(isText && body ? body : GENERIC_ERROR, "error");
      return;
    }
    const figures = form.closest("section").querySelector("[data-rating-figures]");
    const fresh = new DOMParser().parseFromString(body, "text/html").querySelector("[data-rating-figures]");
    if (figures && fresh) {
      figures.replaceWith(fresh);
    }
    show(`Thank you: your vote (${score} of 5) is counted.`, "ok");
  } catch {
    show("Your vote could not be sent: check your connection and try again.", "error");
  } finally {
    button.disabled = false;
  }
}

for (const form of document.querySelectorAll("[data-rating-form]")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendVote(form);
  });
}
