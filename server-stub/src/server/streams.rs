//! Per-rep event streams: numbers every event for a rep without gaps, keeps the latest
//! ones so a reconnecting console gets exactly what it missed.
//!
//! What is kept is bounded per rep (a count and bytes) and in total: all reps' kept frames
//! share one byte budget, and when it is full the oldest frames of the whole server go
//! first. A console whose gap reaches back past them gets a snapshot instead, which is
//! always correct, only larger. So memory stays flat however many reps chat at once.
//!
//! Frames are `Utf8Bytes` (shared bytes): the kept copy, the one queued for the socket and
//! the one the socket writes are the same bytes, never copied. A chat event is spliced
//! from its message's JSON, encoded once per batch (`push_chat`).

use std::collections::{HashMap, VecDeque};
use switchboard_protocol::{RepEvent, RepId, ResumeFrom};
use tokio_tungstenite::tungstenite::Utf8Bytes;

/// How many events are kept per rep for resuming; an older gap gets a snapshot.
pub const KEPT_EVENTS: usize = 2048;
/// And at most this many bytes of them per rep.
pub const KEPT_BYTES: usize = 128 * 1024;
/// All reps' kept frames together hold at most this many bytes (of frame text).
pub const KEPT_BYTES_TOTAL: usize = 16 * 1024 * 1024;
/// A stream's deque of kept frames is not shrunk below this many slots (16 × 40 bytes).
const SHRINK_ABOVE: usize = 16;

/// An `event` frame as `RepServerMessage::Event` writes it, borrowing the event (one event
/// often goes to many reps).
#[derive(serde::Serialize)]
#[serde(tag = "type", rename = "event")]
struct EventFrame<'a> {
    seq: u64,
    event: &'a RepEvent,
}

#[derive(Default)]
struct Stream {
    last_seq: u64,
    kept: VecDeque<(u64, Utf8Bytes)>,
    kept_bytes: usize,
}

impl Stream {
    /// Drops the stream's oldest kept frame; returns its size.
    fn drop_oldest(&mut self) -> Option<usize> {
        let (_, frame) = self.kept.pop_front()?;
        self.kept_bytes -= frame.len();
        // A deque keeps its largest size: with the shared budget taking the oldest frames
        // server-wide, most reps' deques end up nearly empty but as large as their busiest
        // moment (after setting up 5,000 reps, ~2 KiB each). Halving when a quarter full
        // gives that back at an amortised constant cost per frame.
        if self.kept.capacity() > SHRINK_ABOVE && self.kept.len() * 4 <= self.kept.capacity() {
            self.kept.shrink_to((self.kept.len() * 2).max(SHRINK_ABOVE));
        }
        Some(frame.len())
    }

    /// Whether the frame numbered `seq` is still kept.
    fn keeps(&self, seq: u64) -> bool {
        self.kept.front().is_some_and(|(oldest, _)| seq >= *oldest) && seq <= self.last_seq
    }
}

/// All reps' streams of this server process.
pub struct RepStreams {
    /// Random per process: a console resuming against a restarted server gets a snapshot.
    stream_id: String,
    /// Each rep's stream, by index (the order list names streams by index, not by id).
    index: HashMap<RepId, usize>,
    streams: Vec<Stream>,
    /// Every kept frame in the order it was kept, as (stream index, seq): the oldest of
    /// the whole server is at the front. Entries of frames a stream already dropped by
    /// its own bounds are skipped when reached, and swept when they outnumber live ones.
    order: VecDeque<(u32, u64)>,
    /// Bytes of all kept frames, and their bound.
    total_bytes: usize,
    budget_bytes: usize,
    /// Frames kept in all streams (to know when `order` holds mostly stale entries).
    kept_frames: usize,
}

impl RepStreams {
    pub fn new(stream_id: String) -> Self {
        Self::with_budget(stream_id, KEPT_BYTES_TOTAL)
    }

    /// Streams whose kept frames share `budget_bytes` in total.
    pub fn with_budget(stream_id: String, budget_bytes: usize) -> Self {
        Self {
            stream_id,
            index: HashMap::new(),
            streams: Vec::new(),
            order: VecDeque::new(),
            total_bytes: 0,
            budget_bytes,
            kept_frames: 0,
        }
    }

    pub fn stream_id(&self) -> &str {
        &self.stream_id
    }

    /// Starts keeping events for a rep (on their first connection).
    pub fn open(&mut self, rep: &RepId) {
        if !self.index.contains_key(rep) {
            self.index.insert(rep.clone(), self.streams.len());
            self.streams.push(Stream::default());
        }
    }

    /// Bytes of frame text kept for resuming, all reps together.
    pub fn kept_bytes(&self) -> usize {
        self.total_bytes
    }

    /// Numbers an event and keeps it; returns the frame to send, or `None` if the rep has
    /// never connected (they will get a snapshot when they do).
    pub fn push(&mut self, rep: &RepId, event: &RepEvent) -> Option<Utf8Bytes> {
        self.push_with(rep, |seq| {
            // Encoded by serde, as `RepServerMessage::Event`, without copying the event.
            serde_json::to_string(&EventFrame { seq, event })
                .map_err(
                    |error| tracing::error!(%error, "could not encode an event; it is not sent"),
                )
                .ok()
        })
    }

    /// [`RepStreams::push`] of `RepEvent::Chat` for a message whose JSON is `message_json`:
    /// the same frame, spliced around that text instead of encoding the message again.
    pub fn push_chat(&mut self, rep: &RepId, message_json: &str) -> Option<Utf8Bytes> {
        self.push_with(rep, |seq| Some(chat_event_frame(seq, message_json)))
    }

    /// Numbers and keeps the frame `encode` writes for the rep's next seq.
    fn push_with(
        &mut self,
        rep: &RepId,
        encode: impl FnOnce(u64) -> Option<String>,
    ) -> Option<Utf8Bytes> {
        let at = *self.index.get(rep)?;
        let stream = &mut self.streams[at];
        let mut text = encode(stream.last_seq + 1)?;
        // serde's buffer grows by doubling: the kept frame holds only its text (the budget
        // counts text, so slack would be memory nobody bounds). Spliced frames are exact
        // already, and this is then free.
        text.shrink_to_fit();
        let frame = Utf8Bytes::from(text);
        stream.last_seq += 1;
        stream.kept_bytes += frame.len();
        stream.kept.push_back((stream.last_seq, frame.clone()));
        self.total_bytes += frame.len();
        self.kept_frames += 1;
        self.order.push_back((at as u32, stream.last_seq));
        while stream.kept.len() > KEPT_EVENTS || stream.kept_bytes > KEPT_BYTES {
            match stream.drop_oldest() {
                Some(len) => {
                    self.total_bytes -= len;
                    self.kept_frames -= 1;
                }
                None => break,
            }
        }
        self.keep_within_budget();
        Some(frame)
    }

    /// Drops the server's oldest kept frames until all of them fit the budget.
    fn keep_within_budget(&mut self) {
        while self.total_bytes > self.budget_bytes {
            let Some((at, seq)) = self.order.pop_front() else {
                break;
            };
            let stream = &mut self.streams[at as usize];
            // A stale entry (the stream dropped that frame itself) frees nothing.
            if stream
                .kept
                .front()
                .is_some_and(|(oldest, _)| *oldest == seq)
                && let Some(len) = stream.drop_oldest()
            {
                self.total_bytes -= len;
                self.kept_frames -= 1;
            }
        }
        // Stale entries are swept once they outnumber the live ones: `order` stays
        // within twice the kept frames, at an amortised constant cost per push.
        if self.order.len() > 2 * self.kept_frames + 1024 {
            let streams = &self.streams;
            self.order
                .retain(|(at, seq)| streams[*at as usize].keeps(*seq));
        }
    }

    pub fn last_seq(&self, rep: &RepId) -> u64 {
        self.stream(rep).map_or(0, |s| s.last_seq)
    }

    fn stream(&self, rep: &RepId) -> Option<&Stream> {
        self.index.get(rep).map(|at| &self.streams[*at])
    }

    /// The frames after `from.last_seq`, if this server still has all of them.
    pub fn missed(&self, rep: &RepId, from: &ResumeFrom) -> Option<Vec<Utf8Bytes>> {
        if from.stream_id != self.stream_id {
            return None;
        }
        let stream = self.stream(rep)?;
        if from.last_seq > stream.last_seq {
            return None;
        }
        let oldest_kept = stream
            .kept
            .front()
            .map_or(stream.last_seq + 1, |(seq, _)| *seq);
        if from.last_seq + 1 < oldest_kept {
            return None;
        }
        Some(
            stream
                .kept
                .iter()
                .filter(|(seq, _)| *seq > from.last_seq)
                .map(|(_, frame)| frame.clone())
                .collect(),
        )
    }
}

/// `{"type":"event","seq":…,"event":{"type":"chat","message":…}}`, as `EventFrame` writes
/// a `RepEvent::Chat`, from the message's JSON.
fn chat_event_frame(seq: u64, message_json: &str) -> String {
    crate::server::core::splice(
        r#"{"type":"event","seq":"#,
        seq,
        &[r#","event":{"type":"chat","message":"#, message_json, "}}"],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_protocol::{Presence, RepInfo};

    fn event() -> RepEvent {
        RepEvent::PresenceChanged {
            rep: RepInfo {
                rep: RepId::from("a"),
                display_name: "A".into(),
                teams: vec![],
                presence: Presence::Available,
                extended_availability: false,
            },
        }
    }

    /// A frame is exactly what `RepServerMessage::Event` reads back.
    #[test]
    fn frames_are_event_messages() {
        let rep = RepId::from("a");
        let mut streams = RepStreams::new("s1".into());
        streams.open(&rep);
        let frame = streams.push(&rep, &event()).unwrap();
        let read: switchboard_protocol::RepServerMessage = serde_json::from_str(&frame).unwrap();
        assert_eq!(
            read,
            switchboard_protocol::RepServerMessage::Event {
                seq: 1,
                event: event()
            }
        );
    }

    /// A spliced chat frame is exactly what serde writes for the same event, and numbered
    /// in the same sequence as the others.
    #[test]
    fn chat_frames_are_spliced_exactly() {
        use switchboard_protocol::{Author, ChatMessage, MessageId, SessionId, Visibility};
        let message = ChatMessage {
            id: MessageId(9),
            session_id: SessionId(4),
            author: Author::Rep {
                rep: RepId::from("a"),
                name: "Ann \u{e9}".into(),
            },
            text: "line\n\"two\"".into(),
            visibility: Visibility::Reps,
            at: 17,
            client_msg_id: None,
            attachment: None,
            whisper_to: None,
        };
        let rep = RepId::from("a");
        let mut streams = RepStreams::new("s1".into());
        streams.open(&rep);
        streams.push(&rep, &event());
        let json = serde_json::to_string(&message).unwrap();
        let frame = streams.push_chat(&rep, &json).unwrap();
        let expected = switchboard_protocol::RepServerMessage::Event {
            seq: 2,
            event: RepEvent::Chat { message },
        };
        assert_eq!(frame.as_str(), serde_json::to_string(&expected).unwrap());
        let from = ResumeFrom {
            stream_id: "s1".into(),
            last_seq: 1,
        };
        assert_eq!(streams.missed(&rep, &from).unwrap(), vec![frame]);
    }

    /// Resuming returns exactly the events after the last one seen; a stale or foreign gap does not resume.
    #[test]
    fn resume_returns_exactly_the_gap() {
        let rep = RepId::from("a");
        let mut streams = RepStreams::new("s1".into());
        assert!(
            streams.push(&rep, &event()).is_none(),
            "no stream before connecting"
        );
        streams.open(&rep);
        for _ in 0..5 {
            streams.push(&rep, &event());
        }
        let from = |last_seq| ResumeFrom {
            stream_id: "s1".into(),
            last_seq,
        };
        let missed = streams.missed(&rep, &from(3)).unwrap();
        assert_eq!(missed.len(), 2);
        assert!(missed[0].contains(r#""seq":4"#));
        assert_eq!(streams.missed(&rep, &from(5)).unwrap().len(), 0);
        assert!(streams.missed(&rep, &from(6)).is_none(), "from the future");
        let foreign = ResumeFrom {
            stream_id: "other".into(),
            last_seq: 3,
        };
        assert!(streams.missed(&rep, &foreign).is_none());
        let mut last = 5;
        for _ in 0..KEPT_EVENTS {
            streams.push(&rep, &event());
            last += 1;
        }
        assert!(streams.missed(&rep, &from(3)).is_none(), "gap too old");
        // The newest events are kept, within both the count and the byte limit.
        let recent = streams.missed(&rep, &from(last - 10)).unwrap();
        assert_eq!(recent.len(), 10);
        let kept = (1..=last)
            .rev()
            .take_while(|seq| streams.missed(&rep, &from(*seq - 1)).is_some())
            .count();
        assert!(kept <= KEPT_EVENTS);
        let frame_len = recent[0].len();
        assert!(
            kept * frame_len <= KEPT_BYTES + frame_len,
            "{kept} kept frames of {frame_len} bytes"
        );
    }

    /// All reps' kept frames stay within the shared budget: the server's oldest frames go
    /// first, so a rep quiet for long resumes with a snapshot while a busy one still
    /// resumes exactly; the bookkeeping of dropped frames stays bounded too.
    #[test]
    fn kept_frames_share_one_budget_oldest_first() {
        let frame_len = {
            let mut probe = RepStreams::new("s1".into());
            probe.open(&RepId::from("p"));
            probe.push(&RepId::from("p"), &event()).unwrap().len()
        };
        let budget = frame_len * 100;
        let mut streams = RepStreams::with_budget("s1".into(), budget);
        let (quiet, busy) = (RepId::from("quiet"), RepId::from("busy"));
        streams.open(&quiet);
        streams.open(&busy);
        streams.push(&quiet, &event());
        let from = |last_seq| ResumeFrom {
            stream_id: "s1".into(),
            last_seq,
        };
        assert_eq!(streams.missed(&quiet, &from(0)).unwrap().len(), 1);
        for _ in 0..10_000 {
            streams.push(&busy, &event());
            assert!(streams.kept_bytes() <= budget);
        }
        // The quiet rep's frame was the oldest: it went, so a resume from before it gets a
        // snapshot; from after it, there is nothing to miss.
        assert!(streams.missed(&quiet, &from(0)).is_none());
        assert_eq!(streams.missed(&quiet, &from(1)).unwrap().len(), 0);
        // The busy rep resumes exactly from anywhere in its newest 90 frames (of a little
        // under 100: their seq has more digits than the probe's).
        assert_eq!(streams.missed(&busy, &from(10_000 - 90)).unwrap().len(), 90);
        assert!(streams.order.len() <= 2 * streams.kept_frames + 1024);
        // Per-rep bounds drop frames too; their order entries do not pile up.
        let mut roomy = RepStreams::with_budget("s1".into(), usize::MAX);
        roomy.open(&busy);
        for _ in 0..50_000 {
            roomy.push(&busy, &event());
        }
        assert!(roomy.order.len() <= 2 * roomy.kept_frames + 1024);
        assert_eq!(roomy.kept_bytes(), roomy.streams[0].kept_bytes);
    }

    /// A rep whose frames the shared budget took gives the deque's room back: after a burst
    /// that filled it, an idle rep must not keep a deque sized for that burst (issue 11's
    /// memory per idle connection). Fails without the shrink in `drop_oldest`.
    #[test]
    fn a_stream_emptied_by_the_budget_gives_its_room_back() {
        let busy = RepId::from("busy");
        let other = RepId::from("other");
        let frame_len = {
            let mut probe = RepStreams::new("s1".into());
            probe.open(&busy);
            probe.push(&busy, &event()).unwrap().len()
        };
        let mut streams = RepStreams::with_budget("s1".into(), 400 * frame_len);
        streams.open(&busy);
        streams.open(&other);
        for _ in 0..300 {
            streams.push(&busy, &event());
        }
        assert!(streams.streams[0].kept.capacity() >= 300);
        // The other rep's frames push the busy one's oldest out of the budget, all of them.
        for _ in 0..1_000 {
            streams.push(&other, &event());
        }
        let busy_stream = &streams.streams[0];
        assert_eq!(busy_stream.kept.len(), 0);
        assert!(
            busy_stream.kept.capacity() <= 2 * SHRINK_ABOVE,
            "an emptied stream still holds {} slots",
            busy_stream.kept.capacity()
        );
        // Still numbered on, and still resumable from its newest frame.
        let frame = streams.push(&busy, &event()).unwrap();
        assert!(frame.contains(r#""seq":301"#));
    }
}
