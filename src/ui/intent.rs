//! What the rep asked for during a frame. Panels push intents; the app carries them out
//! after drawing, so the whole frame saw the same state.

use crate::model::jump::JumpColumn;
use crate::prefs::{AlertPrefs, Column, ThemeChoice};
use crate::terminal::TermSize;
use switchboard_protocol::media::InputEvent;
use switchboard_protocol::{
    Attachment, CloseMode, JumpClientId, QueueRef, RepRequest, SessionId, TeamId, Visibility,
};

#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    LogIn,
    LogOut,
    /// Send a request as it is (accept, decline, presence, session key, important…).
    Request(RepRequest),
    SendChat {
        session_id: SessionId,
        text: String,
        visibility: Visibility,
    },
    /// A lead's whisper in a session (`to`: `None` for the owner); sent like chat, with a
    /// client id, shown pending at once.
    Whisper {
        session_id: SessionId,
        text: String,
        to: Option<switchboard_protocol::RepId>,
    },
    TeamChat {
        team: TeamId,
        text: String,
    },
    /// Bring a session tab to the front, or the queues (`None`).
    ShowTab(Option<SessionId>),
    /// A lead: bring the Dashboard to the front.
    ShowDashboard,
    /// Sort the Dashboard's sessions by a column; the same column again reverses.
    SortDashboardSessions(crate::model::dashboard::SessionColumn),
    /// Sort the Dashboard's reps by a column; the same column again reverses.
    SortDashboardReps(crate::model::dashboard::RepColumn),
    /// Select a queue entry (its details open), or none.
    Select(Option<(QueueRef, String)>),
    ToggleFavourite(TeamId),
    OpenTeamChat(Option<TeamId>),
    /// Sort a queue by a column; the same column again reverses.
    Sort {
        queue_key: String,
        column: Column,
    },
    MoveColumn {
        queue_key: String,
        column: Column,
        left: bool,
    },
    SetColumnShown {
        queue_key: String,
        column: Column,
        shown: bool,
    },
    /// Closing a tab: owners are asked whether to end or leave in queue; participants leave.
    AskClose(SessionId),
    Close {
        session_id: SessionId,
        mode: CloseMode,
        disposition: Option<String>,
    },
    CancelClose,
    /// Open the transfer dialog for a session the rep owns.
    OpenTransfer(SessionId),
    CloseTransfer,
    SetChatBar {
        shown: bool,
        pinned: bool,
    },
    /// The details pane was resized (remembered).
    DetailsResized(f32),
    /// "Attach file": pick a file to send into the session.
    AttachFile(SessionId),
    /// "Save": choose where to keep a shared file, then download it.
    SaveFile(Attachment),
    /// Open a page in the system browser.
    OpenUrl(String),
    /// Logging out or quitting with sessions open: leave them all, then go.
    LeaveAll(Leaving),
    /// Stay: close the log-out (or quit) question.
    CancelLeave,
    /// Keyboard: the next (`1`) or previous (`-1`) tab, Queues first, wrapping around.
    CycleTab(isize),
    /// Keyboard: the next session (after the one in front) with unread chat.
    NextUnread,
    /// Keyboard: the cursor into the message box of the session in front.
    FocusComposer,
    /// Keyboard: the cursor into the queues' search box.
    FocusSearch,
    /// Keyboard: move the queue selection by this many rows.
    MoveSelection(isize),
    /// Keyboard: accept the selected queue entry.
    AcceptSelected,
    /// Keyboard: accept the customer who has waited longest among those the rep may take.
    AcceptLongestWaiting,
    /// Settings: how incoming work is announced.
    SetAlerts(AlertPrefs),
    /// Settings: light, dark or the system's look.
    SetTheme(ThemeChoice),
    /// Open or close one of the top bar's windows.
    TogglePanel(Panel),
    /// The rep's keyboard and mouse for the customer's screen (while controlling).
    ScreenInput {
        session_id: SessionId,
        events: Vec<InputEvent>,
    },
    /// Ask the customer's side for the whole screen again.
    ScreenRefresh(SessionId),
    /// Give control back (the rep's control grant ends; a view grant stays).
    StopControl(SessionId),
    /// Bytes the rep typed or pasted into the session's shell.
    ShellInput {
        session_id: SessionId,
        bytes: Vec<u8>,
    },
    /// The Shell view's terminal changed size: tell the shell's PTY.
    ShellResize {
        session_id: SessionId,
        size: TermSize,
    },
    /// Put away the Shell view of a shell that has ended.
    CloseShell(SessionId),
    /// Open the shell transcript window of a session (live or ended), titled with the
    /// customer's name.
    OpenTranscript {
        session_id: SessionId,
        customer: String,
    },
    CloseTranscript(SessionId),
    /// Open a session's Support Buttons window (its list is asked for).
    OpenButtons(SessionId),
    CloseButtons(SessionId),
    /// Open the Jump Clients window (its list is asked for).
    OpenJumpClients,
    CloseJumpClients,
    /// Sort the Jump Clients by a column; the same column again reverses.
    SortJumpClients(JumpColumn),
    /// Unpin was clicked on a Jump Client: ask to confirm first.
    ConfirmUnpin(JumpClientId),
    /// Open the "Pin Jump Client" dialog of a session.
    OpenPin(SessionId),
    ClosePin,
    /// Close the "Offer the Switchboard program" window (its code still works).
    CloseClientOffer,
    /// Open the "Shell as a specific user" dialog of a session (it closes itself).
    OpenElevate(SessionId),
}

/// The windows the top bar opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Settings,
    /// The keyboard shortcut map.
    Help,
}

/// What the rep is leaving by: logging out, or closing the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaving {
    LogOut,
    Quit,
}
