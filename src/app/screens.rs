//! The screens the rep may see: one media stream per session with a granted grant, opened
//! with a ticket from `open_media`, asked for again (paced) when the socket drops while the
//! grant lasts, and dropped (closing the socket) when it ends. Each session keeps its Screen
//! view state (the texture) across reconnects.

use super::*;
use crate::net::{ScreenStream, StreamState};
use crate::ui::screen_view::ScreenView;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use switchboard_protocol::MediaChannel;

/// How soon `open_media` is asked again for the same session.
const ASK_AGAIN_AFTER: Duration = Duration::from_secs(2);

/// The console's streams and Screen views.
#[derive(Default)]
pub(super) struct Screens {
    pub streams: HashMap<SessionId, ScreenStream>,
    pub views: HashMap<SessionId, ScreenView>,
    /// When `open_media` was last sent per session.
    asked: HashMap<SessionId, Instant>,
}

impl SwitchboardApp {
    /// Opens, reopens and closes streams to match the grants; called each frame after the
    /// network's events are applied.
    pub(super) fn sync_screens(&mut self, ctx: &egui::Context) {
        let wanted = self.model.screens_wanted();
        let screens = &mut self.screens;
        screens.streams.retain(|id, _| wanted.contains(id));
        screens.views.retain(|id, _| wanted.contains(id));
        screens.asked.retain(|id, _| wanted.contains(id));
        for (session_id, ticket) in std::mem::take(&mut self.model.media_tickets) {
            if !wanted.contains(&session_id) {
                continue;
            }
            if let Some(stream) = self.link.net.open_screen(session_id, ticket) {
                self.screens.streams.insert(session_id, stream);
            }
        }
        let now = Instant::now();
        let mut ask = Vec::new();
        for session_id in wanted {
            let needs = match self.screens.streams.get(&session_id) {
                None => true,
                Some(stream) => stream.state().is_over(),
            };
            if !needs || self.model.media_asked(session_id, MediaChannel::Screen) {
                continue;
            }
            let recently = self
                .screens
                .asked
                .get(&session_id)
                .is_some_and(|at| now.duration_since(*at) < ASK_AGAIN_AFTER);
            if recently {
                ctx.request_repaint_after(ASK_AGAIN_AFTER);
                continue;
            }
            if let Some(StreamState::Revoked) =
                self.screens.streams.get(&session_id).map(|s| s.state())
            {
                tracing::debug!(%session_id, "stream revoked while the grant shows granted");
            }
            self.screens.asked.insert(session_id, now);
            ask.push(session_id);
        }
        for session_id in ask {
            self.send(RepRequest::OpenMedia {
                session_id,
                channel: MediaChannel::Screen,
            });
        }
    }

    /// The rep's input or a refresh for a session's stream.
    pub(super) fn screen_input(
        &self,
        session_id: SessionId,
        events: Vec<switchboard_protocol::media::InputEvent>,
    ) {
        if let Some(stream) = self.screens.streams.get(&session_id) {
            for event in events {
                stream.input(event);
            }
        }
    }

    pub(super) fn screen_refresh(&self, session_id: SessionId) {
        if let Some(stream) = self.screens.streams.get(&session_id) {
            stream.refresh();
        }
    }

    /// The status line of a session's Screen view as last drawn (tests).
    pub fn screen_status(&self, session_id: SessionId) -> Option<String> {
        self.screens
            .views
            .get(&session_id)
            .map(|v| v.status.clone())
    }
}
