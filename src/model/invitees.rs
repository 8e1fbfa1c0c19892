//! Who the owner of a session may invite right now, as the server listed it
//! (`list_invitees`): teams with their invitable reps, and the issues that allow
//! "Request Help". Refreshed each time the Share menu opens.

use switchboard_protocol::{HelpIssue, Invitee, InviteeTeam};

/// The server's answer to `list_invitees` for one session, or that it is on its way.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Invitees {
    /// A `list_invitees` request is in flight; the lists below may be out of date.
    pub loading: bool,
    pub teams: Vec<InviteeTeam>,
    pub issues: Vec<HelpIssue>,
}

impl Invitees {
    /// Every invitable rep once (a rep may be in several teams), by display name.
    pub fn representatives(&self) -> Vec<&Invitee> {
        let mut reps: Vec<&Invitee> = Vec::new();
        for invitee in self.teams.iter().flat_map(|t| &t.reps) {
            if !reps.iter().any(|r| r.rep == invitee.rep) {
                reps.push(invitee);
            }
        }
        reps.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        reps
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_protocol::{Presence, RepId, TeamId};

    fn invitee(rep: &str, name: &str) -> Invitee {
        Invitee {
            rep: RepId::new(rep),
            display_name: name.to_owned(),
            presence: Presence::Available,
            extended_availability: false,
            invited: false,
        }
    }

    /// A rep in two teams is listed once among the Representatives, sorted by name.
    #[test]
    fn representatives_are_listed_once_by_name() {
        let team = |id: &str, reps: Vec<Invitee>| InviteeTeam {
            team: TeamId::new(id),
            display_name: id.to_owned(),
            own_team: true,
            reps,
        };
        let invitees = Invitees {
            loading: false,
            teams: vec![
                team(
                    "billing",
                    vec![invitee("zoe", "Zoe"), invitee("bob", "Bob")],
                ),
                team("tech", vec![invitee("bob", "Bob"), invitee("ann", "Ann")]),
            ],
            issues: Vec::new(),
        };
        let names: Vec<&str> = invitees
            .representatives()
            .iter()
            .map(|r| r.display_name.as_str())
            .collect();
        assert_eq!(names, ["Ann", "Bob", "Zoe"]);
    }
}
