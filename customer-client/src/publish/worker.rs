//! The screen worker: a thread of its own that owns the screen (X11, the primary monitor
//! through `xcap` on Windows and macOS, or synthetic), the tile encoder and the injector, so
//! capture, encoding and injection never run on the async runtime's threads. The publisher
//! asks it for updates and hands it input over a channel.

#[cfg(any(target_os = "linux", target_os = "windows", target_os = "macos"))]
use crate::capture::Rect;
#[cfg(target_os = "linux")]
use crate::capture::X11Screen;
#[cfg(any(target_os = "windows", target_os = "macos"))]
use crate::capture::XcapScreen;
use crate::capture::{CaptureError, Screen, SyntheticScreen};
#[cfg(any(target_os = "linux", target_os = "windows", target_os = "macos"))]
use crate::frame::RgbaFrame;
#[cfg(any(target_os = "windows", target_os = "macos"))]
use crate::inject::EnigoInjector;
use crate::inject::InjectError;
#[cfg(target_os = "linux")]
use crate::inject::XTestInjector;
use crate::session::ShareState;
use crate::tiles::{Quality, TileEncoder};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use switchboard_protocol::media::{InputEvent, ScreenUpdate};
use tokio::sync::{oneshot, watch};

/// Which screen to share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScreenChoice {
    /// The X11 display (`$DISPLAY` when `None`). Linux only: elsewhere the worker refuses it.
    X11 { display: Option<String> },
    /// The primary monitor through `xcap`, with input through `enigo` (Windows and macOS:
    /// compile-checked, untested on a real machine).
    #[cfg(any(target_os = "windows", target_os = "macos"))]
    PrimaryMonitor,
    /// A generated desktop of this size (demos, simulated customers, tests). With `typing`, a
    /// character is typed into its text field every few seconds, so a viewer sees it live.
    Synthetic {
        width: u16,
        height: u16,
        typing: bool,
    },
}

impl ScreenChoice {
    /// What this machine shares: on Linux the X11 display if `DISPLAY` is set, otherwise why
    /// this session cannot share (on Wayland, or with no display at all; see
    /// [`for_session`](Self::for_session)); on Windows and macOS the primary monitor.
    #[cfg(target_os = "linux")]
    pub fn detect() -> Result<ScreenChoice, String> {
        Self::for_session(
            std::env::var_os("DISPLAY").as_deref(),
            std::env::var_os("WAYLAND_DISPLAY").as_deref(),
        )
    }

    /// What this machine shares: the primary monitor (through `xcap`).
    #[cfg(any(target_os = "windows", target_os = "macos"))]
    pub fn detect() -> Result<ScreenChoice, String> {
        Ok(ScreenChoice::PrimaryMonitor)
    }

    /// Nothing can be captured on this system.
    #[cfg(not(any(target_os = "linux", target_os = "windows", target_os = "macos")))]
    pub fn detect() -> Result<ScreenChoice, String> {
        Err("Sharing your screen is not supported on this system yet. Chat works as usual.".into())
    }

    /// The decision behind [`detect`](Self::detect) on Linux, from the session's `DISPLAY`
    /// and `WAYLAND_DISPLAY` (empty counts as unset): the X11 display when there is one and
    /// this is not a Wayland session; otherwise the words the customer reads on the window and that every request is
    /// denied with.
    pub fn for_session(
        display: Option<&std::ffi::OsStr>,
        wayland_display: Option<&std::ffi::OsStr>,
    ) -> Result<ScreenChoice, String> {
        let set = |value: Option<&std::ffi::OsStr>| value.is_some_and(|v| !v.is_empty());
        // Wayland first: its DISPLAY (XWayland) shows only the X11 programs, not the desktop
        // the customer sees, so sharing it would show the rep a black or partial screen.
        // (To share an X server from inside a Wayland session, unset WAYLAND_DISPLAY.)
        if set(wayland_display) {
            Err(
                "This is a Wayland session: sharing your screen needs an X11 session for now. \
                 Chat works as usual."
                    .into(),
            )
        } else if set(display) {
            Ok(ScreenChoice::X11 { display: None })
        } else {
            Err(
                "No X11 display (DISPLAY is not set): sharing your screen needs an X11 session."
                    .into(),
            )
        }
    }
}

/// Why the worker could not start.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("cannot capture the screen: {0}")]
    Capture(#[from] CaptureError),
    #[error("cannot inject input: {0}")]
    Inject(#[from] InjectError),
    #[error("cannot start the screen thread: {0}")]
    Thread(std::io::Error),
    #[cfg(not(target_os = "linux"))]
    #[error("X11 screens are only shared on Linux")]
    NoX11,
}

/// What the publisher asks of the worker.
enum Request {
    /// The updates since the last capture (none when nothing changed).
    Capture {
        jpeg_quality: u8,
        reply: oneshot::Sender<Result<Vec<ScreenUpdate>, CaptureError>>,
    },
    /// The next capture sends the whole screen.
    ForceFull,
    /// The rep's input (injected only if the share state still allows control).
    Input(InputEvent),
}

/// The handle to the worker thread; dropping it ends the thread.
pub struct ScreenWorker {
    requests: mpsc::Sender<Request>,
}

/// After a lossy (JPEG) update, this much quiet brings a lossless refresh of the screen.
const LOSSLESS_AFTER: Duration = Duration::from_millis(500);

/// A change over this share of the screen is sent as JPEG (video, photos, scrolling).
const LOSSY_SHARE: f64 = 0.25;

/// The synthetic desktop types a character this often when `typing` is on.
const TYPING_EVERY_SECS: u64 = 2;

impl ScreenWorker {
    /// Opens the screen (and, on X11, the XTest injector; on Windows and macOS, enigo) and
    /// starts the thread. `share` is read before every injection.
    pub fn start(
        choice: &ScreenChoice,
        share: watch::Receiver<ShareState>,
    ) -> Result<ScreenWorker, WorkerError> {
        let source = match choice {
            #[cfg(not(target_os = "linux"))]
            ScreenChoice::X11 { .. } => return Err(WorkerError::NoX11),
            #[cfg(any(target_os = "windows", target_os = "macos"))]
            ScreenChoice::PrimaryMonitor => {
                let screen = XcapScreen::open()?;
                let injector = injector_or_warn(EnigoInjector::new());
                Source::PrimaryMonitor {
                    screen: Box::new(screen),
                    frame: RgbaFrame::filled(1, 1, [0; 4]),
                    injector,
                }
            }
            #[cfg(target_os = "linux")]
            ScreenChoice::X11 { display } => {
                let mut screen = X11Screen::connect(display.as_deref())?;
                // Without XDamage every capture is whole; still correct, only slower.
                if let Err(error) = screen.watch_damage() {
                    tracing::warn!(%error, "no XDamage: capturing the whole screen each time");
                }
                let injector = injector_or_warn(XTestInjector::connect(display.as_deref()));
                Source::X11 {
                    screen: Box::new(screen),
                    frame: RgbaFrame::filled(1, 1, [0; 4]),
                    injector,
                }
            }
            &ScreenChoice::Synthetic {
                width,
                height,
                typing,
            } => Source::Synthetic {
                screen: Box::new(SyntheticScreen::new(width, height)),
                shown_secs: None,
                dirty: true,
                typing,
            },
        };
        let (requests, receiver) = mpsc::channel();
        let mut state = Worker {
            source,
            encoder: TileEncoder::new(Quality::Lossless),
            share,
            full_next: true,
            lossy_since: None,
        };
        std::thread::Builder::new()
            .name("screen-worker".into())
            .spawn(move || {
                while let Ok(request) = receiver.recv() {
                    state.handle(request);
                }
            })
            .map_err(WorkerError::Thread)?;
        Ok(ScreenWorker { requests })
    }

    /// Asks for the updates since the last capture; the answer comes on the returned channel.
    pub fn capture(
        &self,
        jpeg_quality: u8,
    ) -> oneshot::Receiver<Result<Vec<ScreenUpdate>, CaptureError>> {
        let (reply, answer) = oneshot::channel();
        // If the thread is gone the sender drops and the receiver reports it.
        let _ = self.requests.send(Request::Capture {
            jpeg_quality,
            reply,
        });
        answer
    }

    /// The next capture sends the whole screen (a viewer joined or caught up).
    pub fn force_full(&self) {
        let _ = self.requests.send(Request::ForceFull);
    }

    /// Injects the rep's input (dropped there if control ended meanwhile).
    pub fn input(&self, event: InputEvent) {
        let _ = self.requests.send(Request::Input(event));
    }
}

enum Source {
    #[cfg(target_os = "linux")]
    X11 {
        screen: Box<X11Screen>,
        /// The screen as last captured, brought up to date with the damaged rectangles.
        frame: RgbaFrame,
        injector: Option<Box<XTestInjector>>,
    },
    #[cfg(any(target_os = "windows", target_os = "macos"))]
    PrimaryMonitor {
        screen: Box<XcapScreen>,
        /// The screen as last captured (each capture replaces it whole).
        frame: RgbaFrame,
        injector: Option<Box<EnigoInjector>>,
    },
    Synthetic {
        screen: Box<SyntheticScreen>,
        /// The clock second last drawn.
        shown_secs: Option<u64>,
        /// Input changed the picture since the last capture.
        dirty: bool,
        typing: bool,
    },
}

struct Worker {
    source: Source,
    encoder: TileEncoder,
    share: watch::Receiver<ShareState>,
    /// The next update covers the whole screen.
    full_next: bool,
    /// Since when the viewer holds JPEG pixels that a lossless refresh should replace.
    lossy_since: Option<Instant>,
}

impl Worker {
    fn handle(&mut self, request: Request) {
        match request {
            Request::Capture {
                jpeg_quality,
                reply,
            } => {
                let _ = reply.send(self.capture(jpeg_quality));
            }
            Request::ForceFull => self.full_next = true,
            Request::Input(event) => {
                // The grant may have ended while this event waited in the channel.
                if !self.share.borrow().control {
                    return;
                }
                self.inject(event);
            }
        }
    }

    fn capture(&mut self, jpeg_quality: u8) -> Result<Vec<ScreenUpdate>, CaptureError> {
        let now = now_micros();
        let full = std::mem::take(&mut self.full_next);
        if full {
            self.encoder.force_full();
        }
        match &mut self.source {
            #[cfg(target_os = "linux")]
            Source::X11 { screen, frame, .. } => {
                let rects = screen.capture_damaged(frame)?;
                Ok(encode_changes(
                    &mut self.encoder,
                    &mut self.lossy_since,
                    frame,
                    &rects,
                    full,
                    jpeg_quality,
                    now,
                ))
            }
            #[cfg(any(target_os = "windows", target_os = "macos"))]
            Source::PrimaryMonitor { screen, frame, .. } => {
                let rects = screen.capture_changed(frame)?;
                Ok(encode_changes(
                    &mut self.encoder,
                    &mut self.lossy_since,
                    frame,
                    &rects,
                    full,
                    jpeg_quality,
                    now,
                ))
            }
            Source::Synthetic {
                screen,
                shown_secs,
                dirty,
                typing,
            } => {
                let secs = now / 1_000_000;
                if !full && !*dirty && *shown_secs == Some(secs) {
                    return Ok(Vec::new());
                }
                if *typing
                    && shown_secs.is_some_and(|s| s != secs)
                    && secs.is_multiple_of(TYPING_EVERY_SECS)
                {
                    screen.type_char();
                }
                *shown_secs = Some(secs);
                *dirty = false;
                screen.set_time(secs);
                let frame = screen.capture()?;
                Ok(self.encoder.encode(&frame, now))
            }
        }
    }

    fn inject(&mut self, event: InputEvent) {
        match &mut self.source {
            #[cfg(target_os = "linux")]
            Source::X11 { injector, .. } => {
                if let Some(injector) = injector
                    && let Err(error) = injector.inject(event)
                {
                    tracing::warn!(%error, "input injection failed");
                }
            }
            #[cfg(any(target_os = "windows", target_os = "macos"))]
            Source::PrimaryMonitor {
                screen, injector, ..
            } => {
                if let Some(injector) = injector
                    && let Err(error) = injector.inject(event, screen.size())
                {
                    tracing::warn!(%error, "input injection failed");
                }
            }
            Source::Synthetic { screen, dirty, .. } => match event {
                InputEvent::PointerButton {
                    x,
                    y,
                    pressed: true,
                    ..
                } => {
                    let (width, height) = screen.size();
                    screen.click(x.min(width - 1), y.min(height - 1));
                    *dirty = true;
                }
                InputEvent::Key {
                    keysym,
                    pressed: true,
                } if (0x20..0xFF00).contains(&keysym) => {
                    screen.type_char();
                    *dirty = true;
                }
                _ => {}
            },
        }
    }
}

/// The updates for a captured `frame` whose `rects` changed since the last capture: nothing
/// when nothing changed (but once, after a quiet spell, the whole screen losslessly in place
/// of JPEG pixels), JPEG when the change covers much of the screen, lossless otherwise.
#[cfg(any(target_os = "linux", target_os = "windows", target_os = "macos"))]
fn encode_changes(
    encoder: &mut TileEncoder,
    lossy_since: &mut Option<Instant>,
    frame: &RgbaFrame,
    rects: &[Rect],
    full: bool,
    jpeg_quality: u8,
    now: u64,
) -> Vec<ScreenUpdate> {
    if rects.is_empty() && !full {
        // Quiet: replace JPEG pixels with exact ones once.
        if lossy_since.is_some_and(|at| at.elapsed() >= LOSSLESS_AFTER) {
            *lossy_since = None;
            encoder.force_full();
            encoder.set_quality(Quality::Lossless);
            return encoder.encode(frame, now);
        }
        return Vec::new();
    }
    let area: u64 = rects
        .iter()
        .map(|&(_, _, w, h)| u64::from(w) * u64::from(h))
        .sum();
    let screen_area = u64::from(frame.width) * u64::from(frame.height);
    let lossy = !full && area as f64 > LOSSY_SHARE * screen_area as f64;
    if lossy {
        encoder.set_quality(Quality::Jpeg(jpeg_quality));
        *lossy_since = Some(Instant::now());
    } else {
        encoder.set_quality(Quality::Lossless);
    }
    encoder.encode_damaged(frame, rects, now)
}

/// The platform's injector, or none (with a warning) where it cannot start: the screen is
/// still shared, and control does nothing.
#[cfg(any(target_os = "linux", target_os = "windows", target_os = "macos"))]
fn injector_or_warn<I>(injector: Result<I, InjectError>) -> Option<Box<I>> {
    match injector {
        Ok(injector) => Some(Box::new(injector)),
        Err(error) => {
            tracing::warn!(%error, "no input injection: control will do nothing");
            None
        }
    }
}

/// Microseconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    /// An X11 display is shared; a Wayland session (with XWayland's DISPLAY or without) gets the words the customer
    /// reads (and every request is denied with); no display at all says so too.
    #[test]
    fn sessions_choose_x11_or_explain_why_not() {
        let set = |value| Some(OsStr::new(value));
        let x11 = Ok(ScreenChoice::X11 { display: None });
        assert_eq!(ScreenChoice::for_session(set(":0"), None), x11);
        let wayland = ScreenChoice::for_session(None, set("wayland-0")).unwrap_err();
        // XWayland's DISPLAY is not the desktop: Wayland still explains.
        assert_eq!(
            ScreenChoice::for_session(set(":0"), set("wayland-0")),
            Err(wayland.clone())
        );
        assert!(wayland.contains("Wayland session"), "{wayland}");
        assert!(
            wayland.contains("needs an X11 session for now"),
            "{wayland}"
        );
        // An empty DISPLAY is no display.
        assert_eq!(
            ScreenChoice::for_session(set(""), set("wayland-0")),
            Err(wayland)
        );
        let nothing = ScreenChoice::for_session(None, None).unwrap_err();
        assert!(nothing.contains("DISPLAY is not set"), "{nothing}");
        assert_eq!(ScreenChoice::for_session(set(""), set("")), Err(nothing));
    }
}
