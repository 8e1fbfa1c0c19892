//! The columns of a queue table: what the model sorts by and the prefs remember.

use serde::{Deserialize, Serialize};

/// A column of a queue table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Customer,
    TimeInQueue,
    Issue,
    Queue,
    EntryPath,
    Company,
    SessionStart,
    Important,
}

impl Column {
    /// Every column, in the default display order.
    pub const ALL: [Column; 8] = [
        Column::Customer,
        Column::TimeInQueue,
        Column::Issue,
        Column::Queue,
        Column::EntryPath,
        Column::Company,
        Column::SessionStart,
        Column::Important,
    ];

    /// The column's header text.
    pub fn label(self) -> &'static str {
        match self {
            Column::Customer => "Customer",
            Column::TimeInQueue => "Time in queue",
            Column::Issue => "Issue",
            Column::Queue => "Queue",
            Column::EntryPath => "Entry",
            Column::Company => "Company",
            Column::SessionStart => "Session start",
            Column::Important => "Important",
        }
    }
}
