// Remote support on the portal page of a [Browser] session: the consent card in the chat
// ("Alice Martin would like to see this page — Share / Decline"), the banner while a rep
// views ("Alice Martin is viewing this page — Stop"), and the life of the share: the tab is
// asked for first (the click's user gesture), `answer_remote` only says yes once the
// customer picked it, then `open_media` and the stream (share.js). Whatever ends the grant
// (the customer's Stop, the browser's own stop bar, the server revoking it) ends it all.
// portal.js owns the socket; it hands this file a way to ask and to write in the chat.
"use strict";

window.SwitchboardRemote = (() => {
  const share = window.SwitchboardShare;
  /** The longest prompt this page counts down from, whatever the server says. */
  const MAX_PROMPT_MS = 120000;
  const MAX_NAME_CHARS = 100;
  const MAX_STREAM_RETRIES = 3;
  /** Media close code: the grant behind the socket ended (PROTOCOL.md §11). */
  const GRANT_ENDED = 4410;
  /** Media close code: a frame the server could not take; retrying would repeat it. */
  const REFUSED_FRAME = 4400;

  /** Keeps only well-formed grants; names are cut to a sane length. */
  function cleanGrants(list) {
    if (!Array.isArray(list)) return [];
    return list
      .filter(
        (g) =>
          g &&
          Number.isSafeInteger(g.grant_id) &&
          typeof g.rep_name === "string" &&
          typeof g.state === "string" &&
          typeof g.capability === "string" &&
          Number.isFinite(g.deadline) &&
          Number.isFinite(g.requested_at),
      )
      .map((g) => ({ ...g, rep_name: g.rep_name.slice(0, MAX_NAME_CHARS) }));
  }

  /**
   * `ask(request)` sends a customer request and resolves with its `ok` or `error` (null when
   * the socket could not carry it); `addToChat(item)` appends an <li> to the conversation;
   * `note(text)` writes a line there.
   */
  function create({ ask, addToChat, note }) {
    const banner = document.getElementById("share-banner");
    const bannerText = document.getElementById("share-banner-text");
    document.getElementById("share-stop").addEventListener("click", () => stop(true));

    let grants = [];
    /** The live share: `{ track, source, streamer, retries }`, or null. */
    let sharing = null;
    /** Grants this page is answering now (the tab picker may be open). */
    const answering = new Set();
    /** A granted grant without a tab behind it was stopped (once, not on every update). */
    let orphanStopped = false;
    /** grant_id -> the consent card: `{ item, share, decline, countdown, endsAt, timer }`. */
    const cards = new Map();

    const granted = () => grants.filter((g) => g.state === "granted");

    function update(list) {
      grants = cleanGrants(list);
      for (const grant of grants) {
        if (grant.state !== "prompting") continue;
        if (grant.capability === "screen_view") showCard(grant);
        else if (!answering.has(grant.grant_id)) refuseControl(grant);
      }
      for (const [id, card] of cards) {
        const grant = grants.find((g) => g.grant_id === id);
        if (!grant || grant.state !== "prompting") dropCard(id, card);
      }
      if (answering.size === 0) {
        if (sharing && granted().length === 0) {
          stopLocally();
        } else if (!sharing && granted().length > 0 && !orphanStopped) {
          // Granted, but this page holds no tab (it was reloaded): say so, rather than let
          // the rep wait for pictures that cannot come without the customer's click.
          orphanStopped = true;
          note("Sharing this page stopped when the page was reloaded.");
          ask({ type: "stop_remote" });
        }
      }
      if (granted().length === 0) orphanStopped = false;
      drawBanner();
    }

    /** A page can only be viewed; a request to control it is answered no at once. */
    function refuseControl(grant) {
      answering.add(grant.grant_id);
      ask({ type: "answer_remote", grant_id: grant.grant_id, allow: false }).finally(() =>
        answering.delete(grant.grant_id),
      );
    }

    function showCard(grant) {
      const existing = cards.get(grant.grant_id);
      if (existing) {
        if (!existing.item.isConnected) addToChat(existing.item);
        return;
      }
      const item = document.createElement("li");
      item.className = "message consent";
      item.dataset.grantId = String(grant.grant_id);
      const text = document.createElement("span");
      text.className = "text";
      text.textContent = `${grant.rep_name} would like to see this page`;
      const countdown = document.createElement("span");
      countdown.className = "countdown";
      const buttons = document.createElement("span");
      buttons.className = "consent-buttons";
      const shareButton = document.createElement("button");
      shareButton.type = "button";
      shareButton.className = "primary consent-share";
      shareButton.textContent = "Share";
      const declineButton = document.createElement("button");
      declineButton.type = "button";
      declineButton.className = "consent-decline";
      declineButton.textContent = "Decline";
      buttons.append(shareButton, declineButton);
      item.append(text, countdown, buttons);
      // The server's clock may differ from this one: count down the prompt's length from now.
      const promptMs = Math.min(Math.max(grant.deadline - grant.requested_at, 0), MAX_PROMPT_MS);
      const card = { item, shareButton, declineButton, countdown, endsAt: performance.now() + promptMs, timer: null };
      shareButton.addEventListener("click", () => accept(grant, card));
      declineButton.addEventListener("click", () => decline(grant, card));
      cards.set(grant.grant_id, card);
      tickCountdown(card);
      addToChat(item);
    }

    function tickCountdown(card) {
      const left = Math.ceil((card.endsAt - performance.now()) / 1000);
      if (left <= 0) {
        card.countdown.textContent = "No answer was given in time.";
        setButtons(card, false);
        return;
      }
      card.countdown.textContent = `Answer within ${left} s.`;
      card.timer = setTimeout(() => tickCountdown(card), 1000);
    }

    function setButtons(card, enabled) {
      card.shareButton.disabled = !enabled;
      card.declineButton.disabled = !enabled;
    }

    function dropCard(id, card) {
      clearTimeout(card.timer);
      card.item.remove();
      cards.delete(id);
    }

    async function decline(grant, card) {
      if (answering.has(grant.grant_id)) return;
      answering.add(grant.grant_id);
      setButtons(card, false);
      await ask({ type: "answer_remote", grant_id: grant.grant_id, allow: false });
      answering.delete(grant.grant_id);
      dropCard(grant.grant_id, card);
    }

    async function accept(grant, card) {
      const id = grant.grant_id;
      if (answering.has(id)) return;
      answering.add(id);
      setButtons(card, false);
      if (sharing) {
        // The tab is already shared with another rep: this one only needs the yes.
        await ask({ type: "answer_remote", grant_id: id, allow: true });
        answering.delete(id);
        drawBanner();
        return;
      }
      // Masked before the browser is even asked (the ask itself must come at once, in the
      // click), and nothing is answered or captured until the masks are painted.
      const masked = share.mask(true);
      let track;
      let source = null;
      try {
        track = await share.pickThisTab();
        source = share.frames(track);
        await masked;
      } catch (error) {
        if (source) source.close();
        if (track) track.stop();
        share.mask(false);
        await ask({ type: "answer_remote", grant_id: id, allow: false });
        answering.delete(id);
        dropCard(id, card);
        note(
          error && error.message === "unsupported"
            ? "This browser cannot share its page, so the request was declined."
            : "This page was not shared.",
        );
        return;
      }
      const reply = await ask({ type: "answer_remote", grant_id: id, allow: true });
      if (!reply || reply.type !== "ok") {
        source.close();
        track.stop();
        share.mask(false);
        answering.delete(id);
        dropCard(id, card);
        note("The request had already ended, so this page was not shared.");
        return;
      }
      sharing = { track, source, streamer: null, retries: 0 };
      answering.delete(id);
      track.addEventListener("ended", () => stop(true));
      drawBanner();
      openStream();
    }

    async function openStream() {
      const reply = await ask({ type: "open_media" });
      if (!sharing || sharing.streamer) return;
      const token = reply && reply.type === "ok" && reply.ticket && reply.ticket.token;
      if (typeof token !== "string") {
        note("Sharing this page could not start.");
        stop(true);
        return;
      }
      sharing.streamer = share.stream(sharing.source, token, streamLost);
    }

    function streamLost(code) {
      if (!sharing) return;
      sharing.streamer = null;
      if (code === GRANT_ENDED) {
        stopLocally();
      } else if (code !== REFUSED_FRAME && sharing.retries < MAX_STREAM_RETRIES && granted().length > 0) {
        sharing.retries += 1;
        setTimeout(() => {
          if (sharing && !sharing.streamer) openStream();
        }, 1000 * 2 ** sharing.retries);
      } else {
        stop(true);
      }
    }

    /** Ends the share on this page: the socket closes at once, the tab is let go, unmasked. */
    function stopLocally() {
      if (sharing) {
        const { track, source, streamer } = sharing;
        sharing = null;
        if (streamer) streamer.stop();
        source.close();
        track.stop();
        share.mask(false);
        note("This page is no longer shared.");
      }
      drawBanner();
    }

    /** Stop: locally first, whatever the network does, then the server. */
    function stop(tellServer) {
      const live = sharing !== null || granted().length > 0;
      stopLocally();
      if (tellServer && live) ask({ type: "stop_remote" });
    }

    function drawBanner() {
      const viewers = granted();
      banner.hidden = !sharing || viewers.length === 0;
      const who = [...new Set(viewers.map((g) => g.rep_name))];
      const verb = who.length > 1 ? "are" : "is";
      bannerText.textContent = who.length ? `${who.join(" and ")} ${verb} viewing this page` : "";
    }

    /** The session is over for this page: nothing stays shared or asked. */
    function end() {
      stopLocally();
      for (const [id, card] of cards) dropCard(id, card);
      grants = [];
      drawBanner();
    }

    return { update, end };
  }

  return Object.freeze({ create });
})();
