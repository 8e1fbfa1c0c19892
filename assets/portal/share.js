// Sharing this page's tab with the reps (a [Browser] session, view only): masking private
// fields while sharing, and the stream itself. The stream draws the captured tab to a
// canvas at most 15 times a second, and only when the picture changed encodes it as one
// JPEG and sends it over /ws/media (framing in media.js). At most 2 updates wait for an
// acknowledgement; late acknowledgements lower the rate and the quality (PROTOCOL.md §11).
// portal.js decides when to share (consent) and when to stop; this file only does it.
"use strict";

window.SwitchboardShare = (() => {
  const media = window.SwitchboardMedia;
  const MASK_CLASS = "switchboard-sharing";
  const MAX_FPS = 15;
  const MAX_IN_FLIGHT = 2;
  /** The longer side of what is sent, in pixels: readable text, bounded bytes. */
  const MAX_SENT_SIDE = 2560;
  const BASE_QUALITY = 70;
  /** Ack delay thresholds (ms) and the share of the rate and quality each leaves. */
  const LATE_STEPS = [
    { overMs: 1000, rate: 0.25, quality: 40 },
    { overMs: 500, rate: 0.5, quality: 50 },
    { overMs: 200, rate: 0.75, quality: 60 },
  ];
  const AUTH_TIMEOUT_MS = 10000;
  /** How long the stream waits for a first frame before nudging the page. */
  const NUDGE_AFTER_MS = 1000;
  const NUDGE_CLASS = "switchboard-nudge";

  /** How long a framing site's embed.js may take to say its fields are masked. */
  const SITE_MASK_WAIT_MS = 1000;
  /** After the masks are painted, how long a captured frame from before may still arrive. */
  const SETTLE_MS = 150;
  let maskRequest = 0;

  function painted() {
    return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  }

  /** Resolves when the framing page's embed.js says it applied `on` (or after a while). */
  function siteMasked(on) {
    if (window.parent === window) return Promise.resolve();
    const id = ++maskRequest;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        window.removeEventListener("message", listen);
        resolve();
      };
      const listen = (event) => {
        const data = event.data;
        if (event.source === window.parent && data && data.switchboard === "masked" && data.id === id) {
          done();
        }
      };
      const timer = setTimeout(done, SITE_MASK_WAIT_MS);
      window.addEventListener("message", listen);
      // Only a yes/no and a counter leave the frame; embed.js checks they came from here.
      window.parent.postMessage({ switchboard: "sharing", sharing: on, id }, "*");
    });
  }

  /**
   * Masks (or unmasks) password inputs and everything marked `data-private`, here and, when
   * this page is framed by a site that loaded embed.js, on that site's page too. Resolves
   * once the masks are painted here and the site said so (or did not answer in time, as a
   * site without embed.js never does), plus a moment for frames captured before.
   */
  async function mask(on) {
    document.documentElement.classList.toggle(MASK_CLASS, on);
    await Promise.all([painted(), siteMasked(on)]);
    if (on) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  }

  function mediaUrl() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}/ws/media`;
  }

  function nowMicros() {
    return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
  }

  /** A 64-bit FNV-style digest of the pixels (two 32-bit lanes), to tell a changed picture. */
  function digest(pixels) {
    const words = new Uint32Array(pixels.buffer, pixels.byteOffset, pixels.byteLength >>> 2);
    let a = 0x811c9dc5;
    let b = 0x01000193;
    for (let i = 0; i < words.length; i++) {
      a = Math.imul(a ^ words[i], 0x01000193);
      b = Math.imul(b + words[i], 0x5bd1e995) ^ (b >>> 15);
    }
    return `${a >>> 0}:${b >>> 0}`;
  }

  function jpegOf(canvas, quality) {
    return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality / 100));
  }

  /**
   * The tab's pictures as a playing <video>, made the moment the tab is given: a tab capture
   * delivers a frame only when the page changes, so the element must already be listening
   * when the changes that follow come (the masks, the banner). `close()` lets it go.
   */
  function frames(track) {
    const video = document.createElement("video");
    video.muted = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([track]);
    video.play().catch(() => {});
    return {
      video,
      close() {
        video.pause();
        video.srcObject = null;
      },
    };
  }

  /**
   * A change on the page too small to see, so that the tab capture delivers a frame: for
   * when no frame has come yet (the page has not changed since the capture began).
   */
  function nudge() {
    document.documentElement.classList.toggle(NUDGE_CLASS);
  }

  /**
   * Streams the tab's pictures (`source`, from `frames`) to the relay with `token` until
   * stopped. `onLost(code)` is called once when the media socket closes by itself (4410:
   * the grant ended). Returns `{ stop() }`; stop closes the socket at once and leaves the
   * source and the track to their owner.
   */
  function stream(source, token, onLost) {
    const socket = new WebSocket(mediaUrl());
    socket.binaryType = "arraybuffer";
    const video = source.video;
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true, alpha: false });
    let stopped = false;
    let timer = null;
    let encoding = false;
    let seq = 0;
    /** seq -> when it was sent (ms), for the updates not yet acknowledged. */
    const inFlight = new Map();
    let lastDigest = null;
    let wholeNext = true;
    let step = null;
    /** Since when this stream has waited for the video's first frame (ms). */
    let starvedSince = performance.now();

    const authTimer = setTimeout(() => {
      if (socket.readyState !== WebSocket.OPEN) socket.close();
    }, AUTH_TIMEOUT_MS);

    socket.onopen = () => {
      clearTimeout(authTimer);
      try {
        socket.send(media.encodeAuth(token));
      } catch {
        socket.close();
        return;
      }
      schedule();
    };
    socket.onmessage = (event) => {
      const frame = media.decodeIncoming(event.data);
      if (!frame) return;
      if (frame.kind === "refresh") {
        // The whole picture next, and nothing counts as in flight any more.
        inFlight.clear();
        wholeNext = true;
      } else {
        acknowledged(frame.seq);
      }
    };
    socket.onclose = (event) => {
      clearTimeout(authTimer);
      if (stopped) return;
      end();
      onLost(event.code);
    };

    function acknowledged(upTo) {
      const sentAt = inFlight.get(upTo);
      for (const sent of [...inFlight.keys()]) {
        if (sent <= upTo) inFlight.delete(sent);
      }
      if (sentAt === undefined) return;
      const delay = performance.now() - sentAt;
      step = LATE_STEPS.find((s) => delay > s.overMs) || null;
    }

    function schedule() {
      if (stopped) return;
      const rate = MAX_FPS * (step ? step.rate : 1);
      timer = setTimeout(tick, 1000 / rate);
    }

    async function tick() {
      if (stopped) return;
      try {
        if (!encoding && inFlight.size < MAX_IN_FLIGHT && socket.readyState === WebSocket.OPEN) {
          encoding = true;
          await capture();
        }
      } catch {
        // One bad frame (a canvas that could not encode) is skipped; the next may work.
      } finally {
        encoding = false;
        schedule();
      }
    }

    async function capture() {
      const width = video.videoWidth;
      const height = video.videoHeight;
      if (!width || !height || video.readyState < 2) {
        if (video.paused) video.play().catch(() => {});
        if (performance.now() - starvedSince > NUDGE_AFTER_MS) {
          starvedSince = performance.now();
          nudge();
        }
        return;
      }
      const scale = Math.min(1, MAX_SENT_SIDE / width, MAX_SENT_SIDE / height);
      const w = Math.max(1, Math.min(media.MAX_SCREEN_SIDE, Math.round(width * scale)));
      const h = Math.max(1, Math.min(media.MAX_SCREEN_SIDE, Math.round(height * scale)));
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
        wholeNext = true;
      }
      const capturedMicros = nowMicros();
      context.drawImage(video, 0, 0, w, h);
      const seen = digest(context.getImageData(0, 0, w, h).data);
      if (seen === lastDigest && !wholeNext) return;
      const quality = step ? step.quality : BASE_QUALITY;
      const blob = await jpegOf(canvas, quality);
      if (stopped || !blob) return;
      const jpeg = new Uint8Array(await blob.arrayBuffer());
      if (stopped || jpeg.length > media.MAX_JPEG_BYTES) return;
      seq += 1;
      const frame = media.encodeJpegUpdate({
        seq: BigInt(seq),
        capturedMicros,
        width: w,
        height: h,
        quality,
        jpeg,
      });
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.send(frame);
      inFlight.set(seq, performance.now());
      lastDigest = seen;
      wholeNext = false;
    }

    function end() {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(authTimer);
    }

    return {
      stop() {
        if (stopped) return;
        end();
        socket.close(1000);
      },
    };
  }

  /** Asks the browser for this tab. Rejects when the customer cancels the picker. */
  async function pickThisTab() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) {
      throw new Error("unsupported");
    }
    // The tab at its own size (the browser's default may be smaller, and text unreadable).
    // In a frame the tab's size is unknown here; the screen's bounds it.
    const scale = window.devicePixelRatio || 1;
    const framed = window.parent !== window;
    const cssWidth = framed ? screen.width : window.innerWidth;
    const cssHeight = framed ? screen.height : window.innerHeight;
    const captured = await navigator.mediaDevices.getDisplayMedia({
      video: {
        width: { ideal: Math.min(MAX_SENT_SIDE, Math.round(cssWidth * scale)) },
        height: { ideal: Math.min(MAX_SENT_SIDE, Math.round(cssHeight * scale)) },
        frameRate: { max: MAX_FPS },
      },
      audio: false,
      preferCurrentTab: true,
      selfBrowserSurface: "include",
    });
    const [track] = captured.getVideoTracks();
    const surface = track && track.getSettings ? track.getSettings().displaySurface : undefined;
    if (!track || (surface !== undefined && surface !== "browser")) {
      // A whole screen or another window is not what a [Browser] session shares, and its
      // private fields could not be masked.
      for (const t of captured.getTracks()) t.stop();
      throw new Error("not a tab");
    }
    return track;
  }

  return Object.freeze({ mask, frames, stream, pickThisTab });
})();
