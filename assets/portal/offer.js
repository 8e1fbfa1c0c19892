// "Continue in the Switchboard program": when a rep offers the native client
// (`client_offered`), the chat shows a card with the download link (when this server has
// the program; otherwise the advice to ask the rep), the one-time code in large type, the
// command line that joins this session with it, and until when the code works. A newer
// offer replaces the card (its code replaced the old one). Text only, never markup.
// portal.js owns the socket and routes the message here.
"use strict";

window.SwitchboardOffer = (() => {
  /** Nine digits, as the server groups them: 123-456-789. */
  const CODE = /^\d{3}-\d{3}-\d{3}$/;
  /** Only a path on this server: an offer never sends the customer elsewhere. */
  const DOWNLOAD = /^\/[A-Za-z0-9._\/-]*$/;

  function line(className, text) {
    const p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  /**
   * `addToChat(item)` appends to the conversation; `clock(ms)` words a time of day.
   */
  function create({ addToChat, clock }) {
    let shown = null;

    function show(message) {
      if (typeof message.code !== "string" || !CODE.test(message.code)) return;
      if (!Number.isSafeInteger(message.expires_at)) return;
      withdraw();
      const item = document.createElement("li");
      item.className = "message card offer";
      item.id = "client-offer";
      const title = document.createElement("strong");
      title.textContent = "Continue in the Switchboard program";
      item.append(title);
      item.append(
        line(
          "offer-why",
          "Your representative offers the Switchboard program: with it they can see your screen and help you directly, if you allow it.",
        ),
      );
      const url = message.download_url;
      if (typeof url === "string" && DOWNLOAD.test(url)) {
        const link = document.createElement("a");
        link.id = "client-download";
        link.className = "offer-download";
        link.href = url;
        link.setAttribute("download", "switchboard-customer");
        link.textContent = "1. Download the Switchboard program";
        const p = document.createElement("p");
        p.append(link);
        item.append(p);
      } else {
        item.append(
          line(
            "offer-download",
            "1. Ask your representative how to get the Switchboard program.",
          ),
        );
      }
      item.append(line("offer-step", "2. Start it with this code:"));
      const code = line("offer-code", message.code);
      code.id = "client-offer-code";
      item.append(code);
      item.append(line("offer-step", "From a terminal:"));
      const command = document.createElement("code");
      command.id = "client-offer-command";
      command.className = "offer-command";
      // The code never breaks across lines (its dashes would invite it).
      const codeWord = document.createElement("span");
      codeWord.className = "offer-nowrap";
      codeWord.textContent = message.code;
      command.append(
        `switchboard-customer --server ${window.location.origin} --join `,
        codeWord,
      );
      item.append(command);
      const expiry = line(
        "card-note",
        `The code works once, until ${clock(message.expires_at)}. This chat then continues in the program.`,
      );
      expiry.id = "client-offer-expiry";
      item.append(expiry);
      shown = item;
      addToChat(item);
    }

    /** The session is over for this page: an offer left standing would lead nowhere. */
    function withdraw() {
      if (shown) shown.remove();
      shown = null;
    }

    return { show, end: withdraw };
  }

  return Object.freeze({ create });
})();
