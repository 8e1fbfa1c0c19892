//! The Screen view inside a session tab: the customer's screen, fitted to the window or at
//! 1:1 with scrolling; a status line (`1920×1080 · 24 fps · 41 ms · 180 KB/s · Viewing`);
//! Control, Refresh, Ctrl+Alt+Del and Stop. Only the rectangles that changed are uploaded to
//! the texture. Keyboard and mouse go to the customer only while Control is on and the view
//! has the focus; Ctrl+Alt+Enter gives the keyboard back.

use super::intent::Intent;
use super::screen_input::{self, InputState};
use super::screen_menu::stop_all;
use crate::model::remote::{Item, ScreenToolbar};
use crate::net::{ScreenStream, StreamState};
use crate::text::remote as words;
use egui::{ColorImage, TextureHandle, TextureOptions};
use switchboard_protocol::{Capability, GrantState, RepRequest, SessionId};

/// The view's own state, kept per session across streams (a reconnect keeps the picture).
#[derive(Default)]
pub struct ScreenView {
    texture: Option<TextureHandle>,
    /// 1:1 with scrolling instead of fitted to the window.
    pub actual_size: bool,
    input: InputState,
    /// The status line's text as last drawn (tests read it).
    pub status: String,
}

impl std::fmt::Debug for ScreenView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScreenView")
            .field("status", &self.status)
            .finish()
    }
}

impl ScreenView {
    /// Uploads what changed in the stream's picture; returns the screen's size, once known.
    pub fn upload(&mut self, ctx: &egui::Context, stream: &ScreenStream) -> Option<(u16, u16)> {
        let mut picture = stream.picture().lock();
        let damage = picture.take_damage();
        let frame = picture.frame.as_ref()?;
        let size = [usize::from(frame.width), usize::from(frame.height)];
        let options = TextureOptions::LINEAR;
        let stale = self.texture.as_ref().is_none_or(|t| t.size() != size);
        if stale || damage.whole {
            // Made by the decoder thread; only a texture made anew for a picture the UI
            // already took is built here.
            let image = damage
                .whole_image
                .unwrap_or_else(|| ColorImage::from_rgba_premultiplied(size, &frame.pixels));
            match &mut self.texture {
                Some(texture) if !stale => texture.set(image, options),
                _ => {
                    let name = format!("screen-{}", stream.session_id);
                    self.texture = Some(ctx.load_texture(name, image, options));
                }
            }
        } else if let Some(texture) = &mut self.texture {
            for (rect, image) in damage.rects.iter().zip(damage.images) {
                texture.set_partial([usize::from(rect.x), usize::from(rect.y)], image, options);
            }
        }
        Some((frame.width, frame.height))
    }
}

/// The Screen view of a session whose screen the rep may see.
pub fn screen_view_ui(
    ui: &mut egui::Ui,
    session_id: SessionId,
    bar: &ScreenToolbar,
    stream: Option<&ScreenStream>,
    view: &mut ScreenView,
    intents: &mut Vec<Intent>,
) {
    let size = stream.and_then(|s| view.upload(ui.ctx(), s));
    let state = stream.map(ScreenStream::state);
    view.status = match (size, stream) {
        (Some((w, h)), Some(stream)) => {
            let now = std::time::Instant::now();
            let mut picture = stream.picture().lock();
            words::status_line(
                w,
                h,
                picture.fps(now),
                picture.latency_ms,
                picture.bytes_per_sec(now),
                &bar.who(),
            )
        }
        _ => match state {
            Some(StreamState::Lost(_)) => words::STREAM_LOST.to_owned(),
            Some(StreamState::Live) => words::WAITING_FOR_PICTURE.to_owned(),
            _ => words::CONNECTING.to_owned(),
        },
    };
    // The figures move while the picture does; redraw now and then to keep them true.
    if size.is_some() {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(500));
    }

    let picture_id = egui::Id::unique(("screen_picture", session_id.0));
    let focused = ui.memory(|m| m.has_focus(picture_id));
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(&view.status).monospace());
        ui.separator();
        buttons_ui(ui, session_id, bar, stream, view, intents);
    });
    if bar.controlling {
        ui.weak(if focused {
            words::RELEASE_HINT
        } else {
            words::CLICK_TO_CONTROL
        });
    }

    let (Some((w, h)), Some(texture)) = (size, &view.texture) else {
        ui.centered_and_justified(|ui| ui.spinner());
        return;
    };
    let texture_id = texture.id();
    let screen = egui::vec2(f32::from(w), f32::from(h));
    let response = if view.actual_size {
        egui::ScrollArea::both()
            .auto_shrink(false)
            .show(ui, |ui| picture_ui(ui, picture_id, texture_id, screen))
            .inner
    } else {
        let room = ui.available_size();
        let scale = (room.x / screen.x).min(room.y / screen.y).max(0.05);
        picture_ui(ui, picture_id, texture_id, screen * scale)
    };
    if !bar.controlling {
        return;
    }
    if response.clicked() {
        response.request_focus();
    }
    if !response.has_focus() {
        return;
    }
    // Tab, arrows and Escape go to the customer, not to egui's focus moves.
    ui.memory_mut(|m| {
        m.set_focus_lock_filter(
            picture_id,
            egui::EventFilter {
                tab: true,
                horizontal_arrows: true,
                vertical_arrows: true,
                escape: true,
            },
        )
    });
    let events = ui.input(|i| i.events.clone());
    let translated = screen_input::translate(&events, response.rect, (w, h), &mut view.input);
    if translated.release {
        response.surrender_focus();
    }
    if !translated.events.is_empty() {
        intents.push(Intent::ScreenInput {
            session_id,
            events: translated.events,
        });
    }
}

fn picture_ui(
    ui: &mut egui::Ui,
    id: egui::Id,
    texture: egui::TextureId,
    size: egui::Vec2,
) -> egui::Response {
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    let response = ui.interact(rect, id, egui::Sense::click_and_drag());
    response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, words::SCREEN_PICTURE));
    let uv = egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
    ui.painter().image(texture, rect, uv, egui::Color32::WHITE);
    if response.has_focus() {
        let stroke = ui.visuals().selection.stroke;
        ui.painter()
            .rect_stroke(rect, 0.0, stroke, egui::StrokeKind::Outside);
    }
    response
}

fn buttons_ui(
    ui: &mut egui::Ui,
    session_id: SessionId,
    bar: &ScreenToolbar,
    stream: Option<&ScreenStream>,
    view: &mut ScreenView,
    intents: &mut Vec<Intent>,
) {
    // Control: on asks the customer for control; off gives it back (the view stays if held).
    let control = ui
        .add_enabled(
            bar.controlling || bar.control.is_open(),
            egui::Button::new(words::CONTROL_TOGGLE).selected(bar.controlling),
        )
        .on_disabled_hover_text(bar.control.reason().unwrap_or_default());
    if control.clicked() {
        intents.push(if bar.controlling {
            Intent::StopControl(session_id)
        } else {
            Intent::Request(RepRequest::RequestRemote {
                session_id,
                capability: Capability::ScreenControl,
            })
        });
    }
    if let Item::Greyed(reason) = &bar.control
        && !bar.controlling
    {
        ui.weak(reason);
    }
    if ui
        .add_enabled(stream.is_some(), egui::Button::new(words::REFRESH))
        .clicked()
    {
        intents.push(Intent::ScreenRefresh(session_id));
    }
    if ui
        .add_enabled(bar.controlling, egui::Button::new(words::CTRL_ALT_DEL))
        .clicked()
    {
        intents.push(Intent::ScreenInput {
            session_id,
            events: screen_input::ctrl_alt_del(),
        });
    }
    let mut fit = !view.actual_size;
    if ui.checkbox(&mut fit, words::FIT).changed() {
        view.actual_size = !fit;
    }
    if ui.button(words::STOP_VIEW).clicked() {
        stop_all(session_id, bar, intents);
    }
}

/// The rep's granted control grant in a session, for the Control toggle's "off".
pub fn control_grant(
    remote: &switchboard_protocol::RemoteInfo,
    me: &switchboard_protocol::RepId,
) -> Option<switchboard_protocol::GrantId> {
    remote
        .grant_of(me, Capability::ScreenControl)
        .filter(|g| g.state == GrantState::Granted)
        .map(|g| g.grant_id)
}
