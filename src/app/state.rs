//! The app's state, grouped by job: the link to the network, the remembered settings, the
//! panels on screen, the alerts about incoming work, and what tests observe. The model is
//! beside them in [`SwitchboardApp`](super::SwitchboardApp).

use crate::dialogs::Dialogs;
use crate::net::{ConnectionStatus, NetEvent, NetHandle};
use crate::notify::Notifier;
use crate::notify::reminders::Reminders;
use crate::prefs::Prefs;
use crate::prefs_writer::PrefsWriter;
use crate::ui::chat::ChatDraft;
use crate::ui::close_dialog::CloseDialog;
use crate::ui::dashboard::DashboardPanel;
use crate::ui::intent::Leaving;
use crate::ui::jump_clients::JumpWindow;
use crate::ui::login::LoginForm;
use crate::ui::pin_dialog::PinForm;
use crate::ui::queues::QueuesState;
use crate::ui::support_buttons::DeployForm;
use crate::ui::toasts::Toasts;
use crate::ui::transfer_dialog::TransferDialog;
use std::collections::HashMap;
use std::sync::mpsc::Receiver;
use switchboard_protocol::{SessionId, TeamId};

/// The link to the network: the actor's handle, what it delivered, the connection state.
pub(super) struct Link {
    pub net: NetHandle,
    pub events: Receiver<NetEvent>,
    pub status: ConnectionStatus,
}

/// The rep's remembered settings, and the thread that writes them.
pub(super) struct Settings {
    pub prefs: Prefs,
    pub writer: Option<PrefsWriter>,
}

/// Which screen shows.
pub(super) enum Screen {
    Login,
    Console,
}

/// What is on screen besides the model: the screen, the tab in front, each panel's own
/// state, the windows and dialogs open, and what the frame's intents leave for its end.
pub(super) struct Panels {
    pub screen: Screen,
    pub login: LoginForm,
    pub login_message: Option<String>,
    /// The session tab in front; `None` shows the queues (or the Dashboard when shown).
    pub front: Option<SessionId>,
    /// A lead's Dashboard: in front when `shown` and no session tab is.
    pub dashboard: DashboardPanel,
    pub queues: QueuesState,
    pub drafts: HashMap<SessionId, ChatDraft>,
    /// What the rep is typing in each team's chat (kept while its window is closed).
    pub team_drafts: HashMap<TeamId, String>,
    pub close: CloseDialog,
    pub transfer: TransferDialog,
    /// The deploy forms of the open Support Buttons windows (the lists are the model's).
    pub button_forms: HashMap<SessionId, DeployForm>,
    /// The Jump Clients window's search, sort and confirmation (the list is the model's).
    pub jump_window: JumpWindow,
    /// The "Pin Jump Client" dialog's form (its progress is the model's).
    pub pin_form: PinForm,
    /// The "Shell as a specific user" dialog's form, while open (it holds the password
    /// until Ask sends it; dropping it wipes it).
    pub elevate: Option<crate::model::elevation::ElevateForm>,
    /// The native file dialogs (or fixed answers in tests).
    pub dialogs: Dialogs,
    /// Pages to open in the system browser after this frame's intents.
    pub urls_to_open: Vec<String>,
    pub settings_open: bool,
    /// The keyboard shortcut map is showing.
    pub help_open: bool,
    /// Logging out or quitting with sessions open: the question showing.
    pub leaving: Option<Leaving>,
    /// "Leave in queue and log out / quit" was chosen at this instant: the console goes
    /// once the server has taken the sessions back (a logout at once would drop them).
    pub departing: Option<(Leaving, std::time::Instant)>,
    /// The theme changed in Settings: apply it at the end of the frame.
    pub apply_theme: bool,
}

impl Panels {
    pub fn new(login: LoginForm, dialogs: Dialogs) -> Panels {
        Panels {
            screen: Screen::Login,
            login,
            login_message: None,
            front: None,
            dashboard: DashboardPanel::default(),
            queues: QueuesState::default(),
            drafts: HashMap::new(),
            team_drafts: HashMap::new(),
            close: CloseDialog::default(),
            transfer: TransferDialog::default(),
            button_forms: HashMap::new(),
            jump_window: JumpWindow::default(),
            pin_form: PinForm::default(),
            elevate: None,
            dialogs,
            urls_to_open: Vec::new(),
            settings_open: false,
            help_open: false,
            leaving: None,
            departing: None,
            apply_theme: false,
        }
    }
}

/// Telling the rep about incoming work: desktop notifications, toasts, reminders, the
/// flashing tabs, and whether the window has the focus.
pub(super) struct Alerts {
    pub notifier: Notifier,
    pub toasts: Toasts,
    /// Which waiting customers were reminded of.
    pub reminders: Reminders,
    /// Whether the window has the keyboard focus (a rep in another window sees nothing).
    pub window_focused: bool,
    /// A notification was clicked: the window asks the desktop for the focus.
    pub focus_window: bool,
    /// The tabs flashing in the last frame drawn, and whether it showed them highlighted.
    pub flashing: Vec<SessionId>,
    pub flash_on: bool,
}

impl Alerts {
    pub fn new(notifier: Notifier) -> Alerts {
        Alerts {
            notifier,
            toasts: Toasts::default(),
            reminders: Reminders::default(),
            window_focused: true,
            focus_window: false,
            flashing: Vec::new(),
            flash_on: false,
        }
    }
}

/// What the console did outside itself, kept for tests to read.
#[derive(Default)]
pub(super) struct Observed {
    /// Every page opened, in order.
    pub opened_urls: Vec<String>,
    /// How many times the window asked for the focus.
    pub focus_requests: usize,
}
