// The spam guard's "form shown at" stamp (articles/antispam.py) is not in pages that
// every reader shares: it is fetched when a reader comes to a form (it scrolls into
// view, or they start on it), and a form is sent once its stamp is in. Without
// JavaScript (or if the fetch fails) the server shows the form again with a stamp and
// the text kept: one more press.
// Include as <script src=".../form-stamp.js" data-stamp-url="/forms/stamp/" defer>.

const STAMP_URL = document.currentScript?.dataset.stampUrl || "/forms/stamp/";
const stamping = new WeakMap();
const waited = new WeakSet();

function emptyStamps(form) {
  return [...form.querySelectorAll("input[data-form-stamp]")].filter((input) => !input.value);
}

function stamp(form) {
  if (!stamping.has(form)) {
    const inputs = emptyStamps(form);
    const filled = inputs.length === 0
      ? Promise.resolve()
      : fetch(STAMP_URL, { credentials: "same-origin", cache: "no-store" })
        .then((response) => (response.ok ? response.text() : Promise.reject(new Error(response.status))))
        .then((value) => {
          for (const input of inputs) {
            input.value = value.trim();
          }
        })
        .catch(() => {});
    stamping.set(form, filled);
  }
  return stamping.get(form);
}

function start(event) {
  const form = event.target instanceof Element ? event.target.closest("form") : null;
  if (form && form.querySelector("input[data-form-stamp]")) {
    stamp(form);
  }
}

document.addEventListener("focusin", start);
document.addEventListener("pointerdown", start);

const seen = "IntersectionObserver" in window
  ? new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) {
        seen.unobserve(entry.target);
        stamp(entry.target);
      }
    }
  })
  : null;
for (const input of document.querySelectorAll("form input[data-form-stamp]")) {
  seen?.observe(input.form);
}

// Before any other submit handler (comments.js sends forms by fetch): hold the form
// until its stamp is in, then send it as the reader did. A second try goes as it is.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (emptyStamps(form).length === 0 || waited.has(form)) {
    return;
  }
  event.preventDefault();
  event.stopImmediatePropagation();
  waited.add(form);
  const submitter = event.submitter;
  stamp(form).then(() => form.requestSubmit(submitter || undefined));
}, true);
