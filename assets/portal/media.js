// The binary frames of the media socket (/ws/media), as docs/PROTOCOL.md §11 lays them out
// byte by byte (and protocol/src/media encodes and decodes them): little-endian, "SM",
// version 1, kind, body length, body. This page only ever sends `auth` and `screen_update`
// (one JPEG tile) and reads `ack` and `refresh_request`; anything else that arrives is
// refused without being looked into. Every length is checked before it is used.
"use strict";

window.SwitchboardMedia = (() => {
  const MAGIC_S = 0x53;
  const MAGIC_M = 0x4d;
  const VERSION = 1;
  const HEADER_BYTES = 8;
  const KIND = Object.freeze({ AUTH: 1, SCREEN_UPDATE: 2, ACK: 3, INPUT: 4, REFRESH_REQUEST: 5 });
  const ENCODING_JPEG = 3;
  /** A frame, header included, is at most 8 MiB (`MAX_FRAME_BYTES`). */
  const MAX_FRAME_BYTES = 8 * 1024 * 1024;
  const MAX_SCREEN_SIDE = 8192;
  const MAX_TOKEN_BYTES = 256;
  /** seq 8, captured_micros 8, width 2, height 2, tile_count 2. */
  const UPDATE_FIXED_BYTES = 22;
  /** x, y, w, h 2 each, encoding 1, quality 1, length 4. */
  const JPEG_TILE_FIXED_BYTES = 14;
  /** The most JPEG bytes one whole-picture update can carry. */
  const MAX_JPEG_BYTES = MAX_FRAME_BYTES - HEADER_BYTES - UPDATE_FIXED_BYTES - JPEG_TILE_FIXED_BYTES;

  function header(view, kind, bodyLength) {
    view.setUint8(0, MAGIC_S);
    view.setUint8(1, MAGIC_M);
    view.setUint8(2, VERSION);
    view.setUint8(3, kind);
    view.setUint32(4, bodyLength, true);
  }

  function side(value) {
    return Number.isInteger(value) && value >= 1 && value <= MAX_SCREEN_SIDE;
  }

  /** `auth` with the ticket's token; throws on a token the server would refuse anyway. */
  function encodeAuth(token) {
    const bytes = new TextEncoder().encode(String(token));
    if (bytes.length < 1 || bytes.length > MAX_TOKEN_BYTES) throw new RangeError("media token length");
    const buffer = new ArrayBuffer(HEADER_BYTES + 2 + bytes.length);
    const view = new DataView(buffer);
    header(view, KIND.AUTH, 2 + bytes.length);
    view.setUint16(HEADER_BYTES, bytes.length, true);
    new Uint8Array(buffer, HEADER_BYTES + 2).set(bytes);
    return buffer;
  }

  /**
   * A `screen_update` of one JPEG tile covering the whole `width` x `height` picture.
   * `seq` and `capturedMicros` are BigInts; `jpeg` a Uint8Array; `quality` 1..=100.
   */
  function encodeJpegUpdate({ seq, capturedMicros, width, height, quality, jpeg }) {
    if (!side(width) || !side(height)) throw new RangeError("picture size");
    if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw new RangeError("quality");
    if (!(jpeg instanceof Uint8Array) || jpeg.length < 1 || jpeg.length > MAX_JPEG_BYTES) {
      throw new RangeError("jpeg length");
    }
    const body = UPDATE_FIXED_BYTES + JPEG_TILE_FIXED_BYTES + jpeg.length;
    const buffer = new ArrayBuffer(HEADER_BYTES + body);
    const view = new DataView(buffer);
    header(view, KIND.SCREEN_UPDATE, body);
    let at = HEADER_BYTES;
    view.setBigUint64(at, BigInt.asUintN(64, seq), true);
    view.setBigUint64(at + 8, BigInt.asUintN(64, capturedMicros), true);
    view.setUint16(at + 16, width, true);
    view.setUint16(at + 18, height, true);
    view.setUint16(at + 20, 1, true); // one tile
    at += UPDATE_FIXED_BYTES;
    view.setUint16(at, 0, true); // x
    view.setUint16(at + 2, 0, true); // y
    view.setUint16(at + 4, width, true);
    view.setUint16(at + 6, height, true);
    view.setUint8(at + 8, ENCODING_JPEG);
    view.setUint8(at + 9, quality);
    view.setUint32(at + 10, jpeg.length, true);
    new Uint8Array(buffer, at + JPEG_TILE_FIXED_BYTES).set(jpeg);
    return buffer;
  }

  /**
   * Reads a frame from the relay: `{kind: "ack", seq}` (seq a Number; an ack beyond 2^53
   * cannot be one of ours and is refused), `{kind: "refresh"}`, or null for anything this
   * page does not take (a bad header, a wrong length, input, a kind it never receives).
   */
  function decodeIncoming(data) {
    if (!(data instanceof ArrayBuffer) || data.byteLength < HEADER_BYTES || data.byteLength > 64) {
      return null;
    }
    const view = new DataView(data);
    if (view.getUint8(0) !== MAGIC_S || view.getUint8(1) !== MAGIC_M || view.getUint8(2) !== VERSION) {
      return null;
    }
    const bodyLength = view.getUint32(4, true);
    if (bodyLength !== data.byteLength - HEADER_BYTES) return null;
    switch (view.getUint8(3)) {
      case KIND.ACK: {
        if (bodyLength !== 8) return null;
        const seq = view.getBigUint64(HEADER_BYTES, true);
        if (seq > BigInt(Number.MAX_SAFE_INTEGER)) return null;
        return { kind: "ack", seq: Number(seq) };
      }
      case KIND.REFRESH_REQUEST:
        return bodyLength === 0 ? { kind: "refresh" } : null;
      default:
        return null;
    }
  }

  return Object.freeze({ encodeAuth, encodeJpegUpdate, decodeIncoming, MAX_SCREEN_SIDE, MAX_JPEG_BYTES });
})();
