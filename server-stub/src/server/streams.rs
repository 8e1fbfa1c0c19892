//! Per-rep event streams: numbers every event for a rep without gaps, keeps the latest
//! ones so a reconnecting console gets exactly what it missed.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use switchboard_protocol::{RepEvent, RepId, ResumeFrom};

/// How many events are kept per rep for resuming; an older gap gets a snapshot.
pub const KEPT_EVENTS: usize = 2048;
/// And at most this many bytes of them, so a thousand reps cannot hold gigabytes.
pub const KEPT_BYTES: usize = 128 * 1024;

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
    kept: VecDeque<(u64, Arc<str>)>,
    kept_bytes: usize,
}

/// All reps' streams of this server process.
pub struct RepStreams {
    /// Random per process: a console resuming against a restarted server gets a snapshot.
    stream_id: String,
    streams: HashMap<RepId, Stream>,
}

impl RepStreams {
    pub fn new(stream_id: String) -> Self {
        Self {
            stream_id,
            streams: HashMap::new(),
        }
    }

    pub fn stream_id(&self) -> &str {
        &self.stream_id
    }

    /// Starts keeping events for a rep (on their first connection).
    pub fn open(&mut self, rep: &RepId) {
        self.streams.entry(rep.clone()).or_default();
    }

    /// Numbers an event and keeps it; returns the frame to send, or `None` if the rep has
    /// never connected (they will get a snapshot when they do).
    pub fn push(&mut self, rep: &RepId, event: &RepEvent) -> Option<Arc<str>> {
        let stream = self.streams.get_mut(rep)?;
        // Encoded by serde, as `RepServerMessage::Event`, without copying the event.
        let frame = EventFrame {
            seq: stream.last_seq + 1,
            event,
        };
        let frame: Arc<str> = match serde_json::to_string(&frame) {
            Ok(text) => text.into(),
            Err(error) => {
                tracing::error!(%error, "could not encode an event; it is not sent");
                return None;
            }
        };
        stream.last_seq += 1;
        stream.kept_bytes += frame.len();
        stream.kept.push_back((stream.last_seq, frame.clone()));
        while stream.kept.len() > KEPT_EVENTS || stream.kept_bytes > KEPT_BYTES {
            match stream.kept.pop_front() {
                Some((_, old)) => stream.kept_bytes -= old.len(),
                None => break,
            }
        }
        Some(frame)
    }

    pub fn last_seq(&self, rep: &RepId) -> u64 {
        self.streams.get(rep).map_or(0, |s| s.last_seq)
    }

    /// The frames after `from.last_seq`, if this server still has all of them.
    pub fn missed(&self, rep: &RepId, from: &ResumeFrom) -> Option<Vec<Arc<str>>> {
        if from.stream_id != self.stream_id {
            return None;
        }
        let stream = self.streams.get(rep)?;
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
}
