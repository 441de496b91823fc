// Reading figures without a tracker (articles/readership.py): tells our own server, once
// per page view, that this article was read. No cookie, no third party, no identifier:
// the address names the article only, and the page is the same for every reader.
// Include as <script src=".../beacon.js" data-beacon-url="/read/12/" defer>; without
// JavaScript the page's <noscript> image counts instead.

const BEACON_URL = document.currentScript?.dataset.beaconUrl;
let sent = false;

function send() {
  if (sent || !BEACON_URL) {
    return;
  }
  sent = true;
  if (navigator.sendBeacon && navigator.sendBeacon(BEACON_URL)) {
    return;
  }
  fetch(BEACON_URL, { method: "POST", credentials: "same-origin", keepalive: true }).catch(() => {});
}

// A page the browser prerenders is not read until it is shown.
if (document.prerendering) {
  document.addEventListener("prerenderingchange", send, { once: true });
} else {
  send();
}
