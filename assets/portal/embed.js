// For a site that frames the Switchboard help link (docs/EMBEDDING.md): while the framed
// portal shares the tab, the site's own password inputs and `data-private` elements are
// masked too, with the portal's mask.css. Load it from the Switchboard server:
//   <script src="https://support.example.com/assets/embed.js" defer></script>
// It trusts only messages from a frame of that server's origin, and only a yes/no in them;
// it answers that frame alone, once the change is painted.
"use strict";

(() => {
  const MASK_CLASS = "switchboard-sharing";
  const script = document.currentScript;
  if (!script || !script.src) return;
  const portalOrigin = new URL(script.src).origin;

  const sheet = document.createElement("link");
  sheet.rel = "stylesheet";
  sheet.href = `${portalOrigin}/assets/mask.css`;
  document.head.append(sheet);

  /** Whether `source` is the window of one of this page's frames of the portal's origin. */
  function fromPortalFrame(source) {
    for (const frame of document.querySelectorAll("iframe")) {
      if (frame.contentWindow !== source) continue;
      try {
        return new URL(frame.src, location.href).origin === portalOrigin;
      } catch {
        return false;
      }
    }
    return false;
  }

  window.addEventListener("message", (event) => {
    if (event.origin !== portalOrigin || !fromPortalFrame(event.source)) return;
    const data = event.data;
    if (!data || data.switchboard !== "sharing" || typeof data.sharing !== "boolean") return;
    document.documentElement.classList.toggle(MASK_CLASS, data.sharing);
    if (!Number.isSafeInteger(data.id)) return;
    // Answered once two frames are painted with the change, so the help page starts
    // capturing only when no picture can show this page unmasked.
    const source = event.source;
    requestAnimationFrame(() =>
      requestAnimationFrame(() => source.postMessage({ switchboard: "masked", id: data.id }, portalOrigin)),
    );
  });
})();
