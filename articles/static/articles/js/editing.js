// The article change form's editing session: autosave every 30 s and on leaving
// (only when the form changed), a warning before leaving with unsaved changes, and
// who else has the article open. The form works without it.
(function () {
  "use strict";

  // At least a second between requests, whatever the page says.
  function seconds(value, fallback) {
    return Math.max(Number(value) || fallback, 1) * 1000;
  }

  function start() {
    const session = document.getElementById("editing-session");
    const form = document.getElementById("article_form");
    if (!session || !form || !session.dataset.autosaveUrl) {
      return;
    }
    const autosaveUrl = session.dataset.autosaveUrl;
    const presenceUrl = session.dataset.presenceUrl;
    const status = session.querySelector(".autosave-status");
    const alsoOpen = session.querySelector(".also-open");
    // Restored from an autosave, or sent back by a failed save: not saved yet.
    const restored =
      new URLSearchParams(window.location.search).has("autosave") ||
      document.querySelector(".errornote") !== null;
    let baseline = null;
    let lastSent = null;
    let touched = false;
    let submitting = false;

    function fields() {
      const data = new FormData(form);
      for (const [key, value] of Array.from(data)) {
        if (typeof value !== "string") {
          data.delete(key);
        }
      }
      return data;
    }

    function content() {
      const parts = [];
      for (const [key, value] of fields()) {
        if (key !== "csrfmiddlewaretoken") {
          parts.push([key, value]);
        }
      }
      return JSON.stringify(parts);
    }

    // The editor widgets rewrite their fields as they start: what counts as "as
    // opened" is the form when the editor first touches it.
    function settle() {
      if (!touched) {
        baseline = restored ? "" : content();
        lastSent = baseline;
      }
    }

    function changed() {
      return baseline !== null && content() !== baseline;
    }

    function unsent() {
      return touched && content() !== lastSent;
    }

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function autosave(onLeaving) {
      if (!unsent()) {
        return;
      }
      lastSent = content();
      const data = fields();
      if (onLeaving && navigator.sendBeacon) {
        navigator.sendBeacon(autosaveUrl, data);
        return;
      }
      fetch(autosaveUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        keepalive: true,
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.statusText);
          }
          const now = new Date();
          say(
            "Autosaved at " +
              String(now.getHours()).padStart(2, "0") +
              ":" +
              String(now.getMinutes()).padStart(2, "0"),
          );
        })
        .catch(function () {
          lastSent = null;
          say("Not autosaved: the connection failed. Your changes are still here.");
        });
    }

    function heartbeat() {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      data.append("editing", changed() ? "1" : "0");
      fetch(presenceUrl, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (answer) {
          if (answer && alsoOpen) {
            alsoOpen.textContent = answer.text ? "Also open: " + answer.text : "";
          }
        })
        .catch(function () {});
    }

    form.addEventListener(
      "focusin",
      function () {
        settle();
        touched = true;
      },
      true,
    );
    form.addEventListener("submit", function () {
      submitting = true;
    });
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && changed()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    window.addEventListener("pagehide", function () {
      if (!submitting) {
        autosave(true);
      }
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && !submitting) {
        autosave(true);
      }
    });
    window.addEventListener("load", settle);
    settle();
    window.setInterval(function () {
      autosave(false);
    }, seconds(session.dataset.autosaveSeconds, 30));
    window.setInterval(heartbeat, seconds(session.dataset.presenceSeconds, 20));
  }

  // The admin loads its media in <head>, before the form.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
