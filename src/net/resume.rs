//! Where a reconnect resumes from: the `stream_id` of the latest `welcome` and the `seq`
//! of the latest snapshot or event, tracked from the frames the actor forwards.

use switchboard_protocol::{RepServerMessage, ResumeFrom};

/// What the console has seen on the current stream.
#[derive(Debug, Default)]
pub(crate) struct ResumeTracker {
    stream_id: Option<String>,
    /// `None` until a snapshot (or, after a resumed welcome, the kept value) says where we are.
    last_seq: Option<u64>,
}

impl ResumeTracker {
    /// Takes note of a frame from the server.
    pub(crate) fn observe(&mut self, message: &RepServerMessage) {
        match message {
            RepServerMessage::Welcome {
                stream_id, resumed, ..
            } => {
                // A snapshot follows unless the server resumed our own stream.
                let same_stream = self.stream_id.as_deref() == Some(stream_id.as_str());
                if !(*resumed && same_stream) {
                    self.last_seq = None;
                }
                self.stream_id = Some(stream_id.clone());
            }
            // A snapshot replaces everything, so its seq wins even if it is lower.
            RepServerMessage::Snapshot { seq, .. } => self.last_seq = Some(*seq),
            RepServerMessage::Event { seq, .. } => {
                self.last_seq = Some(self.last_seq.map_or(*seq, |last| last.max(*seq)));
            }
            RepServerMessage::Ok { .. } | RepServerMessage::Error { .. } => {}
        }
    }

    /// What to put in the next `hello`; `None` asks for a fresh snapshot.
    pub(crate) fn resume_from(&self) -> Option<ResumeFrom> {
        Some(ResumeFrom {
            stream_id: self.stream_id.clone()?,
            last_seq: self.last_seq?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_protocol::{QueueRef, RepEvent, RepId, RequestId};

    fn welcome(stream: &str, resumed: bool) -> RepServerMessage {
        RepServerMessage::Welcome {
            protocol_version: 1,
            rep: RepId::from("alice"),
            stream_id: stream.into(),
            resumed,
        }
    }

    fn event(seq: u64) -> RepServerMessage {
        RepServerMessage::Event {
            seq,
            event: RepEvent::EntryRemoved {
                queue: QueueRef::General,
                entry_id: "session:1".into(),
            },
        }
    }

    /// Nothing to resume before a welcome and a snapshot; afterwards the highest seq seen.
    #[test]
    fn tracks_stream_and_seq() {
        let mut t = ResumeTracker::default();
        assert_eq!(t.resume_from(), None);
        t.observe(&welcome("s1", false));
        assert_eq!(t.resume_from(), None, "no seq until the snapshot");
        t.observe(&event(3));
        t.observe(&event(4));
        t.observe(&RepServerMessage::Ok {
            id: RequestId(1),
            result: None,
        });
        assert_eq!(
            t.resume_from(),
            Some(ResumeFrom {
                stream_id: "s1".into(),
                last_seq: 4
            })
        );
        // Resumed on the same stream: keep counting.
        t.observe(&welcome("s1", true));
        t.observe(&event(5));
        assert_eq!(t.resume_from().map(|r| r.last_seq), Some(5));
        // A restarted server: forget the seq until its snapshot says where we are.
        t.observe(&welcome("s2", false));
        assert_eq!(t.resume_from(), None);
    }
}
