//! Where the actor's events go: the UI's channel, then a wake-up call so the UI repaints.

use super::NetEvent;
use std::sync::Arc;
use std::sync::mpsc::Sender;

/// The sending side of the event channel, plus the function that wakes the UI.
#[derive(Clone)]
pub(crate) struct EventSink {
    events: Sender<NetEvent>,
    wake: Arc<dyn Fn() + Send + Sync>,
}

impl EventSink {
    pub(crate) fn new(events: Sender<NetEvent>, wake: Arc<dyn Fn() + Send + Sync>) -> Self {
        Self { events, wake }
    }

    /// The wake-up call alone (for streams that share state instead of sending events).
    pub(crate) fn waker(&self) -> Arc<dyn Fn() + Send + Sync> {
        self.wake.clone()
    }

    /// Queues an event and wakes the UI. If the UI dropped its receiver, the event is dropped.
    pub(crate) fn emit(&self, event: NetEvent) {
        tracing::debug!(event = describe(&event), "event");
        if self.events.send(event).is_ok() {
            (self.wake)();
        }
    }
}

/// A short description for the log: a snapshot can be large and chat is personal data.
fn describe(event: &NetEvent) -> String {
    use switchboard_protocol::RepServerMessage as M;
    match event {
        NetEvent::Server(M::Welcome {
            stream_id, resumed, ..
        }) => format!("welcome stream={stream_id} resumed={resumed}"),
        NetEvent::Server(M::Snapshot { seq, .. }) => format!("snapshot seq={seq}"),
        NetEvent::Server(M::Event { seq, .. }) => format!("event seq={seq}"),
        NetEvent::Server(M::Ok { id, .. }) => format!("ok id={id}"),
        NetEvent::Server(M::Error { id, code, .. }) => format!("error id={id:?} code={code:?}"),
        // What was typed on a customer's shell is for the transcript window, not the log.
        NetEvent::Transcript { session_id, result } => match result {
            Ok(view) => format!("transcript session={session_id} lines={}", view.lines.len()),
            Err(reason) => format!("transcript session={session_id} failed: {reason}"),
        },
        other => format!("{other:?}"),
    }
}
